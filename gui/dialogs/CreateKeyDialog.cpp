#include "dialogs/CreateKeyDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QStackedWidget>
#include <QVBoxLayout>

#include "auth/ApiKey.h"
#include "auth/KeyStore.h"
#include "widgets/CopyField.h"
#include "widgets/SnippetTabs.h"

namespace ar::gui {

namespace {
const char* kErrorStyle = "color: #d0453a;";
}

CreateKeyDialog::CreateKeyDialog(KeyStore* store, const QString& baseUrl, QWidget* parent)
    : QDialog(parent), m_store(store), m_baseUrl(baseUrl) {
    setWindowTitle(tr("Create key"));
    setAccessibleName(tr("Create key"));
    for (const KeyRecord& k : store->list())
        if (!k.revoked) m_existingNames << k.name;

    // Step 1: the name.
    auto* ask = new QWidget(this);
    auto* intro = new QLabel(tr("A gateway key lets one app or tool use this gateway. "
                                "Give each its own key so you can see its usage and revoke it alone."),
                             ask);
    intro->setWordWrap(true);
    m_name = new QLineEdit(ask);
    m_name->setAccessibleName(tr("Key name"));
    m_name->setPlaceholderText(tr("e.g. laptop, cursor, ci"));
    m_name->setMaxLength(kMaxNameLength + 1);  // one over, so the message can explain the limit
    m_nameError = new QLabel(ask);
    m_nameError->setStyleSheet(QString::fromLatin1(kErrorStyle));
    m_nameError->setAccessibleName(tr("Key name problem"));
    m_nameError->setWordWrap(true);
    m_createError = new QLabel(ask);
    m_createError->setStyleSheet(QString::fromLatin1(kErrorStyle));
    m_createError->setWordWrap(true);
    m_createError->hide();
    auto* nameColumn = new QVBoxLayout;
    nameColumn->setSpacing(2);
    nameColumn->addWidget(m_name);
    nameColumn->addWidget(m_nameError);
    auto* form = new QFormLayout;
    form->addRow(tr("&Name:"), nameColumn);
    qobject_cast<QLabel*>(form->labelForField(nameColumn))->setBuddy(m_name);
    auto* askLayout = new QVBoxLayout(ask);
    askLayout->setContentsMargins(0, 0, 0, 0);
    askLayout->addWidget(intro);
    askLayout->addLayout(form);
    askLayout->addWidget(m_createError);
    askLayout->addStretch(1);

    // Step 2: the secret, once.
    auto* show = new QWidget(this);
    auto* warning = new QLabel(tr("<b>Copy this key now.</b> It is shown only once: the gateway keeps "
                                  "only a hash of it. If you lose it, revoke it and create another."),
                               show);
    warning->setWordWrap(true);
    m_secret = new CopyField(tr("New key"), show);
    m_secret->setMonospace(true);
    m_snippets = new SnippetTabs(show);
    auto* showLayout = new QVBoxLayout(show);
    showLayout->setContentsMargins(0, 0, 0, 0);
    showLayout->addWidget(warning);
    showLayout->addWidget(m_secret);
    showLayout->addWidget(new QLabel(tr("Use it from a client:"), show));
    showLayout->addWidget(m_snippets, 1);

    m_steps = new QStackedWidget(this);
    m_steps->addWidget(ask);
    m_steps->addWidget(show);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_create = m_buttons->addButton(tr("Create key"), QDialogButtonBox::AcceptRole);
    m_create->setDefault(true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_steps, 1);
    layout->addWidget(m_buttons);

    connect(m_name, &QLineEdit::textChanged, this, &CreateKeyDialog::validate);
    connect(m_create, &QPushButton::clicked, this, &CreateKeyDialog::create);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    validate();
    m_nameError->clear();  // no complaint before the user typed anything
    resize(560, sizeHint().height());
}

QString CreateKeyDialog::validateName(const QString& name, const QStringList& existingNames) {
    const QString n = name.trimmed();
    if (n.isEmpty()) return tr("Enter a name for the key.");
    if (n.size() > kMaxNameLength) return tr("Use at most %1 characters.").arg(kMaxNameLength);
    static const QRegularExpression allowed(QStringLiteral("^[\\w .@:+-]+$"),
                                            QRegularExpression::UseUnicodePropertiesOption);
    if (!allowed.match(n).hasMatch())
        return tr("Use letters, digits, spaces and . _ - @ : + only.");
    if (existingNames.contains(n, Qt::CaseInsensitive)) return tr("An active key is already called \"%1\".").arg(n);
    return {};
}

void CreateKeyDialog::validate() {
    const QString problem = validateName(m_name->text(), m_existingNames);
    m_nameError->setText(problem);
    m_create->setEnabled(problem.isEmpty());
}

void CreateKeyDialog::create() {
    validate();
    if (!m_create->isEnabled()) return;
    auto key = m_store->create(m_name->text().trimmed());
    if (!key) {
        m_createError->setText(tr("Could not create the key: %1").arg(key.error().message));
        m_createError->show();
        return;
    }
    m_secret->setText(key.value());
    m_snippets->setConnection(m_baseUrl, key.value());
    m_steps->setCurrentIndex(1);
    m_buttons->setStandardButtons(QDialogButtonBox::Close);
    m_buttons->removeButton(m_create);  // one dialog mints one key
    m_create->hide();
    setWindowTitle(tr("Key created"));
    resize(qMax(width(), 640), qMax(height(), 460));
    const auto parts = apikey::parse(key.value().toUtf8());
    Q_EMIT keyCreated(parts ? parts->keyId : QString());
}

bool CreateKeyDialog::showingSecret() const { return m_steps->currentIndex() == 1 && !m_secret->text().isEmpty(); }

QString CreateKeyDialog::shownSecret() const { return showingSecret() ? m_secret->text() : QString(); }

void CreateKeyDialog::done(int result) {
    // Leave no copy of the secret behind in the widgets.
    m_secret->setText(QString());
    m_snippets->setConnection(m_baseUrl);
    QDialog::done(result);
}

}  // namespace ar::gui
