#include "pages/KeysPage.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include "Icons.h"
#include "dialogs/CreateKeyDialog.h"
#include "models/GatewayController.h"
#include "models/KeyListModel.h"
#include "widgets/Tables.h"

namespace ar::gui {

KeysPage::KeysPage(KeyListModel* model, GatewayController* controller, QWidget* parent)
    : QWidget(parent), m_model(model), m_controller(controller) {
    setAccessibleName(tr("Keys"));
    auto* intro = new QLabel(tr("Clients authenticate with a gateway key (<code>sk-ar-…</code>). "
                                "Only a hash is stored: a key's secret is shown once, when it is created."),
                             this);
    intro->setWordWrap(true);
    m_create = new QPushButton(icon(QStringLiteral("add")), tr("Create key…"), this);
    m_create->setShortcut(QKeySequence::New);
    m_create->setToolTip(tr("Create a key (Ctrl+N)"));
    m_revoke = new QPushButton(icon(QStringLiteral("delete")), tr("Revoke…"), this);
    m_revoke->setShortcut(QKeySequence::Delete);
    m_revoke->setToolTip(tr("Revoke the selected key (Delete)"));
    m_rotate = new QPushButton(icon(QStringLiteral("rotate")), tr("Rotate…"), this);
    m_rotate->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_rotate->setToolTip(tr("Give the selected key a new secret; the old one stops working (Ctrl+R)"));
    m_rotate->setAccessibleName(tr("Rotate the selected key"));

    m_copy = new QPushButton(icon(QStringLiteral("copy")), tr("Copy key"), this);
    m_copy->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    m_copy->setToolTip(tr("Copy the selected key again, if a copy was kept in the keychain (Ctrl+Shift+C)"));
    m_copy->setAccessibleName(tr("Copy the selected key from the keychain"));
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->hide();  // until a copy has something to say

    m_table = new QTableView(this);
    configureTable(m_table, QStringLiteral("keysTable"), tr("Gateway keys"));
    m_table->setModel(model);
    const int charW = m_table->fontMetrics().averageCharWidth();
    m_table->setColumnWidth(KeyListModel::Name, 24 * charW);
    m_table->setColumnWidth(KeyListModel::Id, 34 * charW);
    m_table->setColumnWidth(KeyListModel::Created, 20 * charW);
    m_table->setColumnWidth(KeyListModel::Spend, 26 * charW);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_create);
    buttons->addWidget(m_rotate);
    buttons->addWidget(m_revoke);
    buttons->addWidget(m_copy);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);

    connect(m_create, &QPushButton::clicked, this, &KeysPage::openCreateDialog);
    connect(m_revoke, &QPushButton::clicked, this, &KeysPage::confirmRevoke);
    connect(m_rotate, &QPushButton::clicked, this, &KeysPage::confirmRotate);
    connect(m_copy, &QPushButton::clicked, this, &KeysPage::copySelectedKey);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &KeysPage::updateButtons);
    connect(model, &QAbstractItemModel::modelReset, this, &KeysPage::updateButtons);
    updateButtons();
}

void KeysPage::updateButtons() {
    const KeyRecord* k = m_model->record(m_table->currentIndex().row());
    m_revoke->setEnabled(k && !k->revoked);
    m_rotate->setEnabled(k && !k->revoked);
    m_copy->setEnabled(k && !k->revoked && m_model->service()->secretStore());
}

void KeysPage::copySelectedKey() {
    const KeyRecord* k = m_model->record(m_table->currentIndex().row());
    if (!k || k->revoked) return;
    const QString name = k->name;
    m_status->setText(tr("Reading the key from the keychain…"));
    m_status->show();
    m_model->service()->recallSecret(k->id, this, [this, name](Result<std::optional<QByteArray>> r) {
        if (!r) {
            m_status->setText(tr("Could not read the keychain: %1").arg(r.error().message));
        } else if (!r.value()) {
            m_status->setText(tr("No copy of \"%1\" is in the keychain: keep one when you create a key, or "
                                 "rotate this one to get a new secret.").arg(name.toHtmlEscaped()));
        } else {
            QGuiApplication::clipboard()->setText(QString::fromUtf8(*r.value()));
            m_status->setText(tr("Copied the key \"%1\" to the clipboard.").arg(name.toHtmlEscaped()));
        }
    });
}

void KeysPage::openCreateDialog() {
    auto* dialog = new CreateKeyDialog(m_model->service(), m_controller->configuredUrl(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &CreateKeyDialog::keyCreated, m_model, &KeyListModel::refresh);
    dialog->open();  // window-modal, no nested event loop
}

void KeysPage::confirmRevoke() {
    const KeyRecord* k = m_model->record(m_table->currentIndex().row());
    if (!k || k->revoked) return;
    const QString id = k->id;
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Revoke key"),
                                tr("Revoke the key \"%1\" (sk-ar-%2…)?").arg(k->name.toHtmlEscaped(), id),
                                QMessageBox::Cancel, this);
    box->setInformativeText(tr("Apps using it will get 401 errors at once. This cannot be undone."));
    QPushButton* revoke = box->addButton(tr("Revoke"), QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, revoke, id](QAbstractButton* clicked) {
        if (clicked != revoke) return;
        if (Status s = m_model->service()->revoke(id); !s) {
            auto* err = new QMessageBox(QMessageBox::Critical, tr("Revoke key"), s.error().message,
                                        QMessageBox::Ok, this);
            err->setAttribute(Qt::WA_DeleteOnClose);
            err->open();
        }
        m_model->refresh();
    });
    box->open();
}

void KeysPage::confirmRotate() {
    const KeyRecord* k = m_model->record(m_table->currentIndex().row());
    if (!k || k->revoked) return;
    const QString id = k->id, name = k->name;
    auto* box = new QMessageBox(QMessageBox::Question, tr("Rotate key"),
                                tr("Give the key \"%1\" (sk-ar-%2…) a new secret?").arg(name.toHtmlEscaped(), id),
                                QMessageBox::Cancel, this);
    box->setInformativeText(tr("The current secret stops working at once; apps using it need the new one. "
                               "Its policy and usage history stay."));
    QPushButton* rotate = box->addButton(tr("Rotate"), QMessageBox::AcceptRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, rotate, id, name](QAbstractButton* clicked) {
        if (clicked != rotate) return;
        auto issued = m_model->service()->rotate(id);
        m_model->refresh();
        // A copy kept in the keychain is the old secret now: drop it (nothing to report if none).
        if (issued && m_model->service()->secretStore())
            m_model->service()->forgetSecret(id, this, [](Status) {});
        if (!issued) {
            auto* err = new QMessageBox(QMessageBox::Critical, tr("Rotate key"), issued.error().message,
                                        QMessageBox::Ok, this);
            err->setAttribute(Qt::WA_DeleteOnClose);
            err->open();
            return;
        }
        auto* dialog = new CreateKeyDialog(m_model->service(), m_controller->configuredUrl(), this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->showRotatedSecret(name, issued->secret);
        dialog->open();
        Q_EMIT keyRotated(id);
    });
    box->open();
}

}  // namespace ar::gui
