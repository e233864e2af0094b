#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <gtest/gtest.h>

#include "auth/KeyStore.h"
#include "keys/KeyService.h"
#include "dialogs/CreateKeyDialog.h"
#include "dialogs/ProviderDialog.h"
#include "models/AppSettings.h"
#include "pages/SettingsPage.h"
#include "secrets/ProviderCredentials.h"
#include "config/Config.h"

using namespace ar;
using namespace ar::gui;

namespace {

// Every piece of text a dialog currently shows in an editable or copyable field.
QStringList fieldTexts(const QWidget& w) {
    QStringList out;
    for (const QLineEdit* e : w.findChildren<QLineEdit*>()) out << e->text();
    for (const QPlainTextEdit* e : w.findChildren<QPlainTextEdit*>()) out << e->toPlainText();
    return out;
}

struct Store {
    QTemporaryDir dir;
    KeyStore store{dir.filePath(QStringLiteral("keys.sqlite"))};
    KeyService service{store};
    Store() { EXPECT_TRUE(store.load().ok()); }
};

}  // namespace

TEST(CreateKeyDialog, ValidatesTheName) {
    const QStringList existing{QStringLiteral("laptop")};
    EXPECT_FALSE(CreateKeyDialog::validateName(QString(), existing).isEmpty());
    EXPECT_FALSE(CreateKeyDialog::validateName(QStringLiteral("   "), existing).isEmpty());
    EXPECT_FALSE(CreateKeyDialog::validateName(QString(65, QLatin1Char('a')), existing).isEmpty());
    EXPECT_FALSE(CreateKeyDialog::validateName(QStringLiteral("a/b"), existing).isEmpty());
    EXPECT_FALSE(CreateKeyDialog::validateName(QStringLiteral("Laptop"), existing).isEmpty());
    EXPECT_TRUE(CreateKeyDialog::validateName(QStringLiteral("ci-runner 2"), existing).isEmpty());
    EXPECT_TRUE(CreateKeyDialog::validateName(QStringLiteral("Büro"), existing).isEmpty());
}

TEST(CreateKeyDialog, ShowsWhatIsWrongNextToTheField) {
    Store s;
    ASSERT_TRUE(s.store.create(QStringLiteral("laptop")).ok());
    CreateKeyDialog dialog(&s.service, QStringLiteral("http://127.0.0.1:8787/v1"));
    EXPECT_FALSE(dialog.createButton()->isEnabled());
    EXPECT_TRUE(dialog.nameError()->text().isEmpty()) << "no complaint before typing";
    dialog.nameEdit()->setText(QStringLiteral("bad/name"));
    EXPECT_FALSE(dialog.createButton()->isEnabled());
    EXPECT_FALSE(dialog.nameError()->text().isEmpty());
    dialog.nameEdit()->setText(QStringLiteral("laptop"));
    EXPECT_TRUE(dialog.nameError()->text().contains(QStringLiteral("already")));
    dialog.nameEdit()->setText(QStringLiteral("cursor"));
    EXPECT_TRUE(dialog.createButton()->isEnabled());
    EXPECT_TRUE(dialog.nameError()->text().isEmpty());
    EXPECT_EQ(s.store.list().size(), 1);
}

TEST(CreateKeyDialog, ShowsTheSecretOnceThenForgetsIt) {
    Store s;
    CreateKeyDialog dialog(&s.service, QStringLiteral("http://127.0.0.1:8787/v1"));
    QString createdId;
    QObject::connect(&dialog, &CreateKeyDialog::keyCreated, &dialog, [&](const QString& id) { createdId = id; });
    dialog.show();
    dialog.nameEdit()->setText(QStringLiteral("cursor"));
    dialog.createButton()->click();

    ASSERT_TRUE(dialog.showingSecret());
    const QString secret = dialog.shownSecret();
    ASSERT_TRUE(secret.startsWith(QStringLiteral("sk-ar-")));
    const auto record = s.store.verify(secret.toUtf8());
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->name, QStringLiteral("cursor"));
    EXPECT_EQ(record->id, createdId);
    EXPECT_FALSE(dialog.createButton()->isVisible()) << "one dialog mints one key";
    // The snippets carry the new key, ready to paste.
    EXPECT_TRUE(fieldTexts(dialog).filter(QStringLiteral("export AGENTROUTER_API_KEY=") + secret).size() == 1);

    dialog.accept();
    EXPECT_FALSE(dialog.showingSecret());
    EXPECT_TRUE(dialog.shownSecret().isEmpty());
    for (const QString& text : fieldTexts(dialog)) EXPECT_FALSE(text.contains(secret)) << qPrintable(text);
    EXPECT_EQ(s.store.list().size(), 1);
}

TEST(ProviderDialog, PresetFillsBaseUrlAndValidates) {
    ProviderDialog dialog({QStringLiteral("openai")});
    dialog.typeCombo()->setCurrentIndex(dialog.typeCombo()->findData(QStringLiteral("groq")));
    EXPECT_EQ(dialog.baseUrlEdit()->text(), QStringLiteral("https://api.groq.com/openai/v1"));
    EXPECT_EQ(dialog.idEdit()->text(), QStringLiteral("groq"));
    EXPECT_TRUE(dialog.saveButton()->isEnabled());

    dialog.typeCombo()->setCurrentIndex(dialog.typeCombo()->findData(QStringLiteral("openai")));
    EXPECT_EQ(dialog.idEdit()->text(), QStringLiteral("openai-2")) << "the suggested id is free";
    EXPECT_TRUE(dialog.saveButton()->isEnabled());
    dialog.idEdit()->setText(QStringLiteral("openai"));
    dialog.idEdit()->textEdited(QStringLiteral("openai"));
    EXPECT_FALSE(dialog.saveButton()->isEnabled()) << "id 'openai' is taken";
    EXPECT_TRUE(dialog.idError()->text().contains(QStringLiteral("already")));

    dialog.typeCombo()->setCurrentIndex(dialog.typeCombo()->findData(QStringLiteral("azure")));
    dialog.idEdit()->setText(QStringLiteral("azure"));
    EXPECT_FALSE(dialog.saveButton()->isEnabled()) << "azure has no default base URL";

    const auto p = ProviderDialog::validate(QStringLiteral("Bad Id"), QStringLiteral("openai"),
                                            QStringLiteral("ftp://x"), {});
    EXPECT_FALSE(p.id.isEmpty());
    EXPECT_FALSE(p.baseUrl.isEmpty());
    EXPECT_TRUE(ProviderDialog::validate(QStringLiteral("local"), QStringLiteral("ollama"),
                                         QStringLiteral("http://127.0.0.1:11434/v1"), {})
                    .ok());
}

TEST(ProviderDialog, SaveHandsTheKeyToTheSavePath) {
    ProviderDialog dialog({});
    dialog.typeCombo()->setCurrentIndex(dialog.typeCombo()->findData(QStringLiteral("anthropic")));
    QLineEdit* key = nullptr;
    for (QLineEdit* e : dialog.findChildren<QLineEdit*>())
        if (e->echoMode() == QLineEdit::Password) key = e;
    ASSERT_NE(key, nullptr);
    key->setText(QStringLiteral("sk-ant-secret"));
    ProviderConfig saved;
    QString savedKey;
    QObject::connect(&dialog, &ProviderDialog::saveRequested, &dialog,
                     [&](const ProviderConfig& p, const QString& k) {
                         saved = p;
                         savedKey = k;
                     });
    dialog.saveButton()->click();
    EXPECT_EQ(saved.id, QStringLiteral("anthropic"));
    EXPECT_EQ(saved.type, QStringLiteral("anthropic"));
    EXPECT_EQ(saved.baseUrl.toString(), QStringLiteral("https://api.anthropic.com/v1"));
    EXPECT_EQ(savedKey, QStringLiteral("sk-ant-secret"));
    EXPECT_TRUE(key->text().isEmpty());
}

TEST(SettingsPage, ValidatesBindAndSaves) {
    AppSettings settings;
    ServerSettings current;
    SettingsPage page(&settings, current);
    page.bindEdit()->setText(QStringLiteral("not-an-ip"));
    EXPECT_FALSE(page.saveButton()->isEnabled());
    EXPECT_FALSE(page.bindError()->text().isEmpty());
    page.bindEdit()->setText(QStringLiteral("0.0.0.0"));
    EXPECT_TRUE(page.saveButton()->isEnabled());
    page.saveButton()->click();
    Config config;
    settings.applyTo(config);
    EXPECT_EQ(config.server.bind, QStringLiteral("0.0.0.0"));
    EXPECT_EQ(config.server.port, 8787);
    QSettings().clear();  // later tests start from defaults
}

TEST(ProviderDialog, ConnectionTestUsesTheTypedKeyElseTheCurrentCredential) {
    ProviderConfig form;
    form.id = QStringLiteral("openai");
    form.type = QStringLiteral("openai");
    form.apiKeyEnv = QStringLiteral("AR_GUI_TEST_UNSET_VARIABLE");
    EXPECT_EQ(ProviderDialog::forConnectionTest(form, QStringLiteral("sk-typed"), nullptr).apiKey,
              QStringLiteral("sk-typed"));

    qputenv("AR_GUI_TEST_KEY_VARIABLE", "sk-from-env");
    form.apiKeyEnv = QStringLiteral("AR_GUI_TEST_KEY_VARIABLE");
    EXPECT_EQ(ProviderDialog::forConnectionTest(form, QString(), nullptr).apiKey, QStringLiteral("sk-from-env"));

    // Editing without typing a key: the provider's live (keychain) credential is used.
    ProviderConfig editing = form;
    auto live = std::make_shared<ProviderCredentials>();
    live->set(QStringLiteral("openai"), QStringLiteral("sk-from-keychain"));
    editing.liveCredentials = live;
    editing.credential = QStringLiteral("keychain");
    const ProviderConfig tested = ProviderDialog::forConnectionTest(form, QString(), &editing);
    ASSERT_TRUE(tested.liveCredentials);
    EXPECT_EQ(tested.liveCredentials->resolve(tested).apiKey, QStringLiteral("sk-from-keychain"));
    qunsetenv("AR_GUI_TEST_KEY_VARIABLE");
}
