#include "pages/ProvidersPage.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include "Icons.h"
#include "dialogs/ProviderDialog.h"
#include "models/ProviderListModel.h"
#include "providers/ConnectionCheck.h"
#include "widgets/ConnectionTestStatus.h"
#include "widgets/Tables.h"

namespace ar::gui {

ProvidersPage::ProvidersPage(ProviderListModel* model, QWidget* parent, ConnectionChecker* checker)
    : QWidget(parent), m_model(model), m_checker(checker) {
    setAccessibleName(tr("Providers"));
    auto* intro = new QLabel(tr("Upstream AI providers the gateway forwards to. Routes on the Routes page "
                                "map public model names to them."),
                             this);
    intro->setWordWrap(true);
    m_add = new QPushButton(icon(QStringLiteral("add")), tr("Add provider…"), this);
    m_add->setShortcut(QKeySequence::New);
    m_add->setToolTip(tr("Add a provider (Ctrl+N)"));
    m_edit = new QPushButton(icon(QStringLiteral("edit")), tr("Edit…"), this);
    m_delete = new QPushButton(icon(QStringLiteral("delete")), tr("Delete…"), this);
    m_delete->setShortcut(QKeySequence::Delete);
    m_edit->setAccessibleName(tr("Edit the selected provider"));
    m_delete->setAccessibleName(tr("Delete the selected provider"));
    m_test = new QPushButton(icon(QStringLiteral("test")), tr("Test connection"), this);
    m_test->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    m_test->setToolTip(tr("Ask the selected provider for its model list (Ctrl+T)"));
    m_test->setAccessibleName(tr("Test the selected provider's connection"));
    m_test->setVisible(checker != nullptr);
    m_testStatus = new ConnectionTestStatus(this);

    m_table = new QTableView(this);
    configureTable(m_table, QStringLiteral("providersTable"), tr("Providers"));
    m_table->setModel(model);
    const int charW = m_table->fontMetrics().averageCharWidth();
    m_table->setColumnWidth(ProviderListModel::Id, 16 * charW);
    m_table->setColumnWidth(ProviderListModel::Type, 16 * charW);
    m_table->setColumnWidth(ProviderListModel::BaseUrl, 34 * charW);
    m_table->setColumnWidth(ProviderListModel::Credential,
                          m_table->fontMetrics().horizontalAdvance(QStringLiteral("$ANTHROPIC_API_KEY (not set)")) + 16);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_edit);
    buttons->addWidget(m_delete);
    buttons->addSpacing(12);
    buttons->addWidget(m_test);
    buttons->addWidget(m_testStatus, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(buttons);
    layout->addWidget(m_table, 1);
    connect(m_test, &QPushButton::clicked, this, &ProvidersPage::testSelected);

    connect(m_add, &QPushButton::clicked, this, &ProvidersPage::openAddDialog);
    connect(m_edit, &QPushButton::clicked, this, &ProvidersPage::openEditDialog);
    connect(m_table, &QTableView::doubleClicked, this, &ProvidersPage::openEditDialog);
    connect(m_delete, &QPushButton::clicked, this, &ProvidersPage::confirmDelete);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ProvidersPage::updateButtons);
    connect(model, &QAbstractItemModel::modelReset, this, &ProvidersPage::updateButtons);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &ProvidersPage::updateButtons);
    updateButtons();
}

void ProvidersPage::updateButtons() {
    const bool selected = m_model->provider(m_table->currentIndex().row()) != nullptr;
    m_edit->setEnabled(selected);
    m_delete->setEnabled(selected);
    m_test->setEnabled(selected && !m_testStatus->running());
}

void ProvidersPage::testSelected() {
    const ProviderConfig* current = m_model->provider(m_table->currentIndex().row());
    if (!current || !m_checker || m_testStatus->running()) return;
    m_testStatus->start(current->id);
    m_test->setEnabled(false);
    m_checker->check(*current, this, [this](ConnectionCheckResult r) {
        m_testStatus->finish(r);
        updateButtons();
    });
}

void ProvidersPage::openAddDialog() {
    QStringList ids;
    for (const ProviderConfig& p : m_model->providers()) ids << p.id;
    auto* dialog = new ProviderDialog(ids, nullptr, this, m_checker);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ProviderDialog::saveRequested, this, &ProvidersPage::onSave);
    dialog->open();
}

void ProvidersPage::openEditDialog() {
    const ProviderConfig* current = m_model->provider(m_table->currentIndex().row());
    if (!current) return;
    QStringList ids;
    for (const ProviderConfig& p : m_model->providers())
        if (p.id != current->id) ids << p.id;
    auto* dialog = new ProviderDialog(ids, current, this, m_checker);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ProviderDialog::saveRequested, this, &ProvidersPage::onSave);
    dialog->open();
}

void ProvidersPage::onSave(const ProviderConfig& provider, const QString& apiKey) {
    // The owner stores it (config file, keychain) and then updates the list.
    Q_EMIT saveRequested(provider, apiKey);
}

void ProvidersPage::confirmDelete() {
    const ProviderConfig* current = m_model->provider(m_table->currentIndex().row());
    if (!current) return;
    const QString id = current->id;
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Delete provider"),
                                tr("Delete the provider \"%1\"?").arg(id.toHtmlEscaped()), QMessageBox::Cancel,
                                this);
    box->setInformativeText(tr("Routes that use it will fail over to their next target or fail."));
    QPushButton* del = box->addButton(tr("Delete"), QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, del, id](QAbstractButton* clicked) {
        if (clicked != del) return;
        m_model->remove(id);
        Q_EMIT deleteRequested(id);
    });
    box->open();
}

}  // namespace ar::gui
