#include "dialogs/ProviderDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QUrl>
#include <QVBoxLayout>

#include "Icons.h"
#include "providers/ConnectionCheck.h"
#include "providers/ProviderPresets.h"
#include "widgets/ConnectionTestStatus.h"

namespace ar::gui {

namespace {

QLabel* errorLabel(const QString& name, QWidget* parent) {
    auto* l = new QLabel(parent);
    l->setStyleSheet(QStringLiteral("color: #d0453a;"));
    l->setAccessibleName(name);
    l->setWordWrap(true);
    return l;
}

QVBoxLayout* withError(QWidget* field, QLabel* error) {
    auto* column = new QVBoxLayout;
    column->setSpacing(2);
    column->addWidget(field);
    column->addWidget(error);
    return column;
}

}  // namespace

ProviderDialog::ProviderDialog(const QStringList& existingIds, const ProviderConfig* editing, QWidget* parent,
                               ConnectionChecker* checker)
    : QDialog(parent), m_existingIds(existingIds), m_editing(editing != nullptr), m_checker(checker) {
    if (editing) m_editingConfig = *editing;
    setWindowTitle(editing ? tr("Edit provider") : tr("Add provider"));
    setAccessibleName(windowTitle());

    m_type = new QComboBox(this);
    m_type->setAccessibleName(tr("Provider type"));
    for (const QString& t : providerTypes()) m_type->addItem(t, t);
    m_id = new QLineEdit(this);
    m_id->setAccessibleName(tr("Provider id"));
    m_id->setPlaceholderText(tr("used in routes, e.g. openai"));
    m_idError = errorLabel(tr("Provider id problem"), this);
    m_baseUrl = new QLineEdit(this);
    m_baseUrl->setAccessibleName(tr("Base URL"));
    m_baseUrlError = errorLabel(tr("Base URL problem"), this);
    m_apiKey = new QLineEdit(this);
    m_apiKey->setAccessibleName(tr("API key"));
    m_apiKey->setEchoMode(QLineEdit::Password);
    m_apiKey->setPlaceholderText(editing ? tr("unchanged") : tr("saved to the system keychain"));
    m_apiKeyEnv = new QLineEdit(this);
    m_apiKeyEnv->setAccessibleName(tr("API key environment variable"));
    m_apiKeyEnv->setPlaceholderText(tr("optional, e.g. OPENAI_API_KEY"));

    auto* form = new QFormLayout;
    form->addRow(tr("&Type:"), m_type);
    form->addRow(tr("&Id:"), withError(m_id, m_idError));
    form->addRow(tr("&Base URL:"), withError(m_baseUrl, m_baseUrlError));
    form->addRow(tr("API &key:"), m_apiKey);
    form->addRow(tr("Key &variable:"), m_apiKeyEnv);
    for (int row = 0; row < form->rowCount(); ++row) {
        auto* label = qobject_cast<QLabel*>(form->itemAt(row, QFormLayout::LabelRole)->widget());
        QLayoutItem* field = form->itemAt(row, QFormLayout::FieldRole);
        QWidget* w = field->widget() ? field->widget() : field->layout()->itemAt(0)->widget();
        if (label && w) label->setBuddy(w);  // also makes the & mnemonics work
    }
    auto* note = new QLabel(tr("The API key goes to the system keychain, never into the config file. "
                               "With a key variable, the gateway reads the key from the environment instead."),
                            this);
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_save = m_buttons->addButton(tr("Save"), QDialogButtonBox::AcceptRole);
    m_save->setDefault(true);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    if (m_checker) {
        m_test = new QPushButton(icon(QStringLiteral("test")), tr("&Test connection"), this);
        m_test->setToolTip(tr("Ask the provider for its model list with these settings (Alt+T)"));
        m_testStatus = new ConnectionTestStatus(this);
        auto* testRow = new QHBoxLayout;
        testRow->addWidget(m_test, 0, Qt::AlignTop);
        testRow->addWidget(m_testStatus, 1);
        layout->addLayout(testRow);
        connect(m_test, &QPushButton::clicked, this, &ProviderDialog::testConnection);
    }
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    if (editing) {
        m_type->setCurrentIndex(qMax(0, m_type->findData(editing->type)));
        m_id->setText(editing->id);
        m_id->setReadOnly(true);  // routes refer to it
        m_baseUrl->setText(editing->baseUrl.toString());
        m_apiKeyEnv->setText(editing->apiKeyEnv);
    } else {
        applyPreset();
    }

    connect(m_type, &QComboBox::currentIndexChanged, this, &ProviderDialog::applyPreset);
    for (QLineEdit* field : {m_id, m_baseUrl}) {
        connect(field, &QLineEdit::textChanged, this, &ProviderDialog::revalidate);
        connect(field, &QLineEdit::textEdited, this, [this] {
            m_touched = true;
            revalidate();
        });
    }
    connect(m_save, &QPushButton::clicked, this, [this] {
        m_touched = true;
        revalidate();
        if (!m_save->isEnabled()) return;
        Q_EMIT saveRequested(provider(), apiKey());
        m_apiKey->clear();
        accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    revalidate();
    resize(560, sizeHint().height());
}

void ProviderDialog::applyPreset() {
    const QString type = m_type->currentData().toString();
    const ProviderPreset* preset = findProviderPreset(type);
    if (!preset) return;
    const QString url = QString::fromLatin1(preset->defaultBaseUrl);
    m_baseUrl->setText(url);
    m_baseUrl->setPlaceholderText(url.isEmpty() ? tr("required for %1").arg(type) : url);
    m_apiKeyEnv->setText(QString::fromLatin1(preset->defaultKeyEnv));
    if (!m_editing && (m_id->text().isEmpty() || !m_touched)) {
        // Suggest a free id: "openai", else "openai-2", ...
        QString id = type;
        for (int n = 2; m_existingIds.contains(id); ++n) id = QStringLiteral("%1-%2").arg(type).arg(n);
        m_id->setText(id);
    }
    revalidate();
}

ProviderDialog::Problems ProviderDialog::validate(const QString& id, const QString& type, const QString& baseUrl,
                                                  const QStringList& existingIds) {
    Problems p;
    static const QRegularExpression idPattern(QStringLiteral("^[a-z0-9][a-z0-9._-]*$"));
    if (id.isEmpty()) p.id = tr("Enter an id.");
    else if (!idPattern.match(id).hasMatch()) p.id = tr("Use lower-case letters, digits, '.', '_' and '-'.");
    else if (existingIds.contains(id)) p.id = tr("Another provider already uses \"%1\".").arg(id);

    const QString url = baseUrl.trimmed();
    if (url.isEmpty()) {
        const ProviderPreset* preset = findProviderPreset(type);
        if (!preset || QLatin1String(preset->defaultBaseUrl).isEmpty())
            p.baseUrl = tr("%1 needs a base URL.").arg(type);
    } else {
        const QUrl u(url, QUrl::StrictMode);
        if (!u.isValid() || (u.scheme() != QLatin1String("http") && u.scheme() != QLatin1String("https")) ||
            u.host().isEmpty())
            p.baseUrl = tr("Enter an http:// or https:// URL.");
    }
    return p;
}

void ProviderDialog::revalidate() {
    const Problems p = validate(m_id->text().trimmed(), m_type->currentData().toString(), m_baseUrl->text(),
                                m_existingIds);
    // Complain next to a field only once the user has worked on the form.
    m_idError->setText(m_touched ? p.id : QString());
    m_baseUrlError->setText(m_touched ? p.baseUrl : QString());
    m_idError->setVisible(!m_idError->text().isEmpty());
    m_baseUrlError->setVisible(!m_baseUrlError->text().isEmpty());
    m_save->setEnabled(p.ok());
}

ProviderConfig ProviderDialog::provider() const {
    ProviderConfig c;
    c.id = m_id->text().trimmed();
    c.type = m_type->currentData().toString();
    const QString url = m_baseUrl->text().trimmed();
    const ProviderPreset* preset = findProviderPreset(c.type);
    c.baseUrl = QUrl(url.isEmpty() && preset ? QString::fromLatin1(preset->defaultBaseUrl) : url);
    c.apiKeyEnv = m_apiKeyEnv->text().trimmed();
    return c;
}

QString ProviderDialog::apiKey() const { return m_apiKey->text(); }

ProviderConfig ProviderDialog::forConnectionTest(ProviderConfig p, const QString& typedKey,
                                                 const ProviderConfig* editing) {
    if (!typedKey.isEmpty()) {
        p.apiKey = typedKey;
        return p;
    }
    if (editing && editing->apiKeyEnv == p.apiKeyEnv) {
        p.apiKey = editing->apiKey;
        p.liveCredentials = editing->liveCredentials;  // the keychain copy, if there is one
        p.credential = editing->credential;
    } else if (!p.apiKeyEnv.isEmpty()) {
        p.apiKey = qEnvironmentVariable(p.apiKeyEnv.toUtf8().constData());
    }
    return p;
}

void ProviderDialog::testConnection() {
    if (!m_checker || m_testStatus->running()) return;
    m_touched = true;
    revalidate();
    if (!m_save->isEnabled()) {
        m_testStatus->finish({false, 0, -1, -1, tr("Fix the fields marked above first.")});
        return;
    }
    const ProviderConfig p =
        forConnectionTest(provider(), apiKey(), m_editingConfig ? &*m_editingConfig : nullptr);
    m_test->setEnabled(false);
    m_testStatus->start(p.id);
    m_checker->check(p, this, [this](ConnectionCheckResult r) {
        m_testStatus->finish(r);
        m_test->setEnabled(true);
    });
}

}  // namespace ar::gui
