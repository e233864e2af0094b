#include "dialogs/CreateKeyDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QStackedWidget>
#include <QVBoxLayout>

#include "keys/KeyService.h"
#include "widgets/CopyField.h"
#include "widgets/SnippetTabs.h"

namespace ar::gui {

namespace {

const char* kErrorStyle = "color: #d0453a;";

QLabel* makeErrorLabel(const QString& accessibleName, QWidget* parent) {
    auto* l = new QLabel(parent);
    l->setStyleSheet(QString::fromLatin1(kErrorStyle));
    l->setAccessibleName(accessibleName);
    l->setWordWrap(true);
    l->hide();
    return l;
}

// A field (or a row of fields) with its message right under it.
QVBoxLayout* withError(QLayout* fields, QLabel* error) {
    auto* column = new QVBoxLayout;
    column->setSpacing(2);
    column->addLayout(fields);
    column->addWidget(error);
    return column;
}

QHBoxLayout* row(std::initializer_list<QWidget*> widgets, bool stretch = false) {
    auto* l = new QHBoxLayout;
    l->setContentsMargins(0, 0, 0, 0);
    for (QWidget* w : widgets) l->addWidget(w);
    if (stretch) l->addStretch(1);
    return l;
}

// Empty, or a whole number from 1 to `max`.
QString checkLimit(const QString& text, qint64 max) {
    const QString t = text.trimmed();
    if (t.isEmpty()) return {};
    bool ok = false;
    const qint64 n = t.toLongLong(&ok);
    if (!ok || n < 1) return QObject::tr("Enter a whole number above 0, or leave it empty for no limit.");
    if (n > max) return QObject::tr("At most %1.").arg(max);
    return {};
}

QStringList splitModels(const QString& text) {
    QStringList out;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!part.trimmed().isEmpty()) out << part.trimmed();
    return out;
}

}  // namespace

CreateKeyDialog::CreateKeyDialog(KeyService* keys, const QString& baseUrl, QWidget* parent)
    : QDialog(parent), m_keys(keys), m_baseUrl(baseUrl) {
    setWindowTitle(tr("Create key"));
    setAccessibleName(tr("Create key"));
    for (const KeyRecord& k : keys->list())
        if (!k.revoked) m_existingNames << k.name;

    // Step 1: the name and the policy.
    auto* ask = new QWidget(this);
    auto* intro = new QLabel(tr("A gateway key lets one app or tool use this gateway. "
                                "Give each its own key so you can see its usage and revoke it alone. "
                                "Leave a limit empty for none."),
                             ask);
    intro->setWordWrap(true);
    m_name = new QLineEdit(ask);
    m_name->setAccessibleName(tr("Key name"));
    m_name->setPlaceholderText(tr("e.g. laptop, cursor, ci"));
    m_name->setMaxLength(kMaxNameLength + 1);  // one over, so the message can explain the limit
    m_nameError = makeErrorLabel(tr("Key name problem"), ask);
    m_models = new QLineEdit(ask);
    m_models->setAccessibleName(tr("Allowed models"));
    m_models->setPlaceholderText(tr("all models; or e.g. gpt-4o*, claude-sonnet-4-5"));
    m_models->setToolTip(tr("Comma-separated model names; * and ? match any text or one character."));
    m_budget = new QLineEdit(ask);
    m_budget->setAccessibleName(tr("Budget in US dollars"));
    m_budget->setPlaceholderText(tr("no budget"));
    m_period = new QComboBox(ask);
    m_period->setAccessibleName(tr("Budget period"));
    m_period->addItem(tr("per day"), QStringLiteral("day"));
    m_period->addItem(tr("per week"), QStringLiteral("week"));
    m_period->addItem(tr("per month"), QStringLiteral("month"));
    m_period->addItem(tr("in total"), QStringLiteral("total"));
    m_period->setCurrentIndex(2);
    m_period->setToolTip(tr("Calendar periods in UTC; a week starts on Monday."));
    m_rpm = new QLineEdit(ask);
    m_rpm->setAccessibleName(tr("Requests per minute"));
    m_tpm = new QLineEdit(ask);
    m_tpm->setAccessibleName(tr("Tokens per minute"));
    m_concurrent = new QLineEdit(ask);
    m_concurrent->setAccessibleName(tr("Concurrent requests"));
    for (QLineEdit* e : {m_rpm, m_tpm, m_concurrent}) {
        e->setPlaceholderText(tr("no limit"));
        e->setMaximumWidth(e->fontMetrics().averageCharWidth() * 16);
    }
    m_budget->setMaximumWidth(m_budget->fontMetrics().averageCharWidth() * 16);
    m_expires = new QCheckBox(tr("Expires on"), ask);
    m_expires->setAccessibleName(tr("Key expires"));
    m_expiry = new QDateEdit(QDate::currentDate().addDays(90), ask);
    m_expiry->setAccessibleName(tr("Expiry date"));
    m_expiry->setCalendarPopup(true);
    m_expiry->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    m_expiry->setEnabled(false);
    auto* currency = new QLabel(QStringLiteral("USD"), ask);

    const struct {
        const char* field;
        QString accessible;
    } errorFields[] = {{"models", tr("Allowed models problem")}, {"budget", tr("Budget problem")},
                       {"rpm", tr("Requests per minute problem")}, {"tpm", tr("Tokens per minute problem")},
                       {"concurrent", tr("Concurrent requests problem")}, {"expiry", tr("Expiry problem")}};
    m_errors.insert(QStringLiteral("name"), m_nameError);
    for (const auto& f : errorFields) m_errors.insert(QLatin1String(f.field), makeErrorLabel(f.accessible, ask));

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    auto addRow = [&](const QString& label, QLayout* fields, const char* errorField, QWidget* buddy) {
        form->addRow(label, withError(fields, m_errors.value(QLatin1String(errorField))));
        if (auto* l = qobject_cast<QLabel*>(form->labelForField(form->itemAt(form->rowCount() - 1, QFormLayout::FieldRole)->layout())))
            l->setBuddy(buddy);
    };
    addRow(tr("&Name:"), row({m_name}), "name", m_name);
    addRow(tr("Allowed &models:"), row({m_models}), "models", m_models);
    addRow(tr("&Budget:"), row({m_budget, currency, m_period}, true), "budget", m_budget);
    addRow(tr("&Requests/min:"), row({m_rpm}, true), "rpm", m_rpm);
    addRow(tr("&Tokens/min:"), row({m_tpm}, true), "tpm", m_tpm);
    addRow(tr("C&oncurrent:"), row({m_concurrent}, true), "concurrent", m_concurrent);
    addRow(tr("E&xpiry:"), row({m_expires, m_expiry}, true), "expiry", m_expires);
    m_keep = new QCheckBox(tr("&Keep a copy in the OS keychain, so it can be copied again later"), ask);
    m_keep->setAccessibleName(tr("Keep a copy of the key in the keychain"));
    if (!m_keys->secretStore()) {
        m_keep->setEnabled(false);
        m_keep->setToolTip(tr("No keychain is usable here (see the banner)."));
    }
    m_createError = makeErrorLabel(tr("Problem creating the key"), ask);
    auto* askLayout = new QVBoxLayout(ask);
    askLayout->setContentsMargins(0, 0, 0, 0);
    askLayout->addWidget(intro);
    askLayout->addLayout(form);
    askLayout->addWidget(m_keep);
    askLayout->addWidget(m_createError);
    askLayout->addStretch(1);

    // Step 2: the secret, once.
    auto* show = new QWidget(this);
    m_warning = new QLabel(tr("<b>Copy this key now.</b> It is shown only once: the gateway keeps "
                              "only a hash of it. If you lose it, revoke it and create another."),
                           show);
    m_warning->setWordWrap(true);
    m_secret = new CopyField(tr("New key"), show);
    m_secret->setMonospace(true);
    m_snippets = new SnippetTabs(show);
    auto* use = new QLabel(tr("Put it in <code>AGENTROUTER_API_KEY</code> (the Environment tab), then use it "
                              "from a client:"),
                           show);
    use->setWordWrap(true);
    auto* showLayout = new QVBoxLayout(show);
    showLayout->setContentsMargins(0, 0, 0, 0);
    m_keepStatus = new QLabel(show);
    m_keepStatus->setWordWrap(true);
    m_keepStatus->hide();
    showLayout->addWidget(m_warning);
    showLayout->addWidget(m_secret);
    showLayout->addWidget(m_keepStatus);
    showLayout->addWidget(use);
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

    for (QLineEdit* e : {m_name, m_models, m_budget, m_rpm, m_tpm, m_concurrent})
        connect(e, &QLineEdit::textChanged, this, &CreateKeyDialog::validate);
    connect(m_expires, &QCheckBox::toggled, m_expiry, &QWidget::setEnabled);
    connect(m_expires, &QCheckBox::toggled, this, &CreateKeyDialog::validate);
    connect(m_expiry, &QDateEdit::dateChanged, this, &CreateKeyDialog::validate);
    connect(m_create, &QPushButton::clicked, this, &CreateKeyDialog::create);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    validate();
    resize(600, sizeHint().height());
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

CreateKeyDialog::PolicyProblems CreateKeyDialog::validatePolicy(const PolicyInput& in, const QDate& today) {
    PolicyProblems p;
    static const QRegularExpression modelPattern(QStringLiteral("^[A-Za-z0-9._:/@*?+-]+$"));
    for (const QString& part : in.models.split(QLatin1Char(','))) {
        const QString m = part.trimmed();
        if (m.isEmpty() && in.models.trimmed().isEmpty()) break;
        if (m.isEmpty()) {
            p.models = tr("Remove the empty entry between commas.");
            break;
        }
        if (!modelPattern.match(m).hasMatch()) {
            p.models = tr("\"%1\" is not a model name or pattern (letters, digits, . _ - : / @ and * ?).").arg(m);
            break;
        }
    }
    if (const QString b = in.budget.trimmed(); !b.isEmpty()) {
        bool ok = false;
        const double usd = QString(b).remove(QLatin1Char('$')).toDouble(&ok);
        if (!ok || usd <= 0) p.budget = tr("Enter an amount in US dollars above 0, e.g. 5 or 12.50.");
        else if (usd > 1'000'000) p.budget = tr("At most $1,000,000.");
    }
    p.rpm = checkLimit(in.rpm, 1'000'000);
    p.tpm = checkLimit(in.tpm, 1'000'000'000);
    p.concurrent = checkLimit(in.concurrent, 10'000);
    if (in.expires && (!in.expiry.isValid() || in.expiry <= today)) p.expiry = tr("Pick a date after today.");
    return p;
}

QJsonObject CreateKeyDialog::policyJson(const PolicyInput& in) {
    QJsonObject o;
    if (const QStringList models = splitModels(in.models); !models.isEmpty())
        o.insert(QStringLiteral("models"), QJsonArray::fromStringList(models));
    if (const QString b = in.budget.trimmed(); !b.isEmpty()) {
        o.insert(QStringLiteral("budget_usd"), QString(b).remove(QLatin1Char('$')).toDouble());
        o.insert(QStringLiteral("budget_period"), in.period);
    }
    if (!in.rpm.trimmed().isEmpty()) o.insert(QStringLiteral("rpm"), in.rpm.trimmed().toLongLong());
    if (!in.tpm.trimmed().isEmpty()) o.insert(QStringLiteral("tpm"), in.tpm.trimmed().toLongLong());
    if (!in.concurrent.trimmed().isEmpty())
        o.insert(QStringLiteral("max_concurrent"), in.concurrent.trimmed().toLongLong());
    if (in.expires)
        o.insert(QStringLiteral("expires_at"),
                 QDateTime(in.expiry, QTime(0, 0)).toUTC().toString(Qt::ISODate));
    return o;
}

CreateKeyDialog::PolicyInput CreateKeyDialog::policyInput() const {
    PolicyInput in;
    in.models = m_models->text();
    in.budget = m_budget->text();
    in.period = m_period->currentData().toString();
    in.rpm = m_rpm->text();
    in.tpm = m_tpm->text();
    in.concurrent = m_concurrent->text();
    in.expires = m_expires->isChecked();
    in.expiry = m_expiry->date();
    return in;
}

QLabel* CreateKeyDialog::errorLabel(const QString& field) const { return m_errors.value(field); }

void CreateKeyDialog::validate() {
    const QString nameProblem = validateName(m_name->text(), m_existingNames);
    // An empty name is only pointed out once the user worked on it.
    const bool nameShown = !m_name->text().isEmpty() || m_name->isModified();
    const PolicyProblems p = validatePolicy(policyInput(), QDate::currentDate());
    const std::pair<const char*, QString> shown[] = {{"name", nameShown ? nameProblem : QString()}, {"models", p.models},
                                                     {"budget", p.budget}, {"rpm", p.rpm},
                                                     {"tpm", p.tpm}, {"concurrent", p.concurrent},
                                                     {"expiry", p.expiry}};
    for (const auto& [field, problem] : shown) {
        QLabel* l = m_errors.value(QLatin1String(field));
        l->setText(problem);
        l->setVisible(!problem.isEmpty());
    }
    m_create->setEnabled(nameProblem.isEmpty() && p.ok());
}

void CreateKeyDialog::create() {
    validate();
    if (!m_create->isEnabled()) return;
    auto key = m_keys->create(m_name->text().trimmed(), policyJson(policyInput()));
    if (!key) {
        m_createError->setText(tr("Could not create the key: %1").arg(key.error().message));
        m_createError->show();
        return;
    }
    showSecret(key->secret);
    setWindowTitle(tr("Key created"));
    if (m_keep->isChecked()) {
        m_keepStatus->setText(tr("Saving a copy in the keychain…"));
        m_keepStatus->show();
        // Asynchronous (a keychain job); the key exists and is on screen whatever happens.
        m_keys->rememberSecret(*key, this, [this](Status s) {
            m_keepStatus->setText(s ? tr("A copy is kept in the keychain: <b>Copy key</b> on the Keys page copies it again.")
                                    : tr("No copy was kept in the keychain: %1 Copy the key now.").arg(s.error().message));
        });
    }
    Q_EMIT keyCreated(key->record.id);
}

void CreateKeyDialog::showRotatedSecret(const QString& keyName, const QString& secret) {
    m_warning->setText(tr("<b>Copy the new secret of \"%1\" now.</b> The old one stopped working; this one is "
                          "shown only once.")
                           .arg(keyName.toHtmlEscaped()));
    showSecret(secret);
    setWindowTitle(tr("Key rotated"));
}

void CreateKeyDialog::showSecret(const QString& secret) {
    m_secret->setText(secret);
    m_snippets->setConnection(m_baseUrl, secret);
    m_steps->setCurrentIndex(1);
    m_buttons->setStandardButtons(QDialogButtonBox::Close);
    m_buttons->removeButton(m_create);  // one dialog mints one key
    m_create->hide();
    resize(qMax(width(), 660), qMax(height(), 500));
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
