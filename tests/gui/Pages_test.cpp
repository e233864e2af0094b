// The window's pages with a real gateway (not started unless a test needs it), a real key
// store, a fake ledger read side and, for connection tests, a fake upstream on a real socket.
#include <QAbstractItemModel>
#include <QApplication>
#include <QClipboard>
#include <QDeadlineTimer>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <gtest/gtest.h>

#include "MainWindow.h"
#include "TrayIcon.h"
#include "admin/AdminServices.h"
#include "core/Gateway.h"
#include "dialogs/CreateKeyDialog.h"
#include "dialogs/ProviderDialog.h"
#include "keys/KeyService.h"
#include "models/GatewayController.h"
#include "models/KeyListModel.h"
#include "events/EventBus.h"
#include "models/OverviewModel.h"
#include "models/ProviderListModel.h"
#include "models/RouteEditor.h"
#include "models/UsageModel.h"
#include "pages/KeysPage.h"
#include "pages/OverviewPage.h"
#include "pages/ProvidersPage.h"
#include "pages/RoutesPage.h"
#include "pages/UsagePage.h"
#include "providers/ConnectionCheck.h"
#include "secrets/MemorySecretStore.h"
#include "secrets/SecretEntries.h"
#include "secrets/KeychainSecretStore.h"
#include "secrets/MemorySecretStore.h"
#include "secrets/ProviderCredentials.h"
#include "secrets/SecretEntries.h"
#include "support/FakeUpstream.h"
#include "support/GuiTestSupport.h"
#include "widgets/ConnectionTestStatus.h"

using namespace ar;
using namespace ar::gui;
using namespace ar::gui::test;

namespace {

Config twoProviderConfig(const QString& openaiUrl = QStringLiteral("https://api.openai.com/v1")) {
    Config c;
    c.server.port = 0;
    c.server.workers = 1;
    ProviderConfig openai;
    openai.id = QStringLiteral("openai");
    openai.type = QStringLiteral("openai");
    openai.baseUrl = QUrl(openaiUrl);
    ProviderConfig ollama;
    ollama.id = QStringLiteral("ollama");
    ollama.type = QStringLiteral("ollama");
    ollama.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:11434/v1"));
    c.providers = {openai, ollama};
    c.routes = {Route{QStringLiteral("gpt-4o-mini"),
                      {RouteTarget{QStringLiteral("openai"), QStringLiteral("gpt-4o-mini"), 0},
                       RouteTarget{QStringLiteral("ollama"), QStringLiteral("llama3.2"), 0}}}};
    return c;
}

struct Fixture {
    QTemporaryDir dir;
    Gateway gateway;
    FakeUsageQueries usage;
    explicit Fixture(Config c = twoProviderConfig()) : gateway(std::move(c), dir.path()) {
        EXPECT_TRUE(gateway.keys()->load().ok());
    }
    KeyService& keys() { return gateway.admin()->keys(); }
    QString configPath() const { return dir.filePath(QStringLiteral("config.json")); }
};

// A fixed "now" so the budget periods under test do not depend on the clock.
const QDateTime kNow(QDate(2026, 3, 18), QTime(12, 0), Qt::UTC);

template <typename T>
T* findVisible(QWidget* parent) {
    for (T* w : parent->findChildren<T*>())
        if (w->isVisible()) return w;
    return nullptr;
}

}  // namespace

TEST(OverviewPage, BudgetBarsShowSpendAgainstBudgetAndKeysWithoutOneShowSpend) {
    Fixture f;
    auto daily = f.keys().create(QStringLiteral("laptop"), {{"budget_usd", 5.0}, {"budget_period", "day"}});
    auto open = f.keys().create(QStringLiteral("ci"), {});
    ASSERT_TRUE(daily.ok() && open.ok());
    const QString dailyId = daily->record.id, openId = open->record.id;
    f.usage.spends = {{dailyId, kNow.addSecs(-60), 3'000'000, 1200},
                      {dailyId, kNow.addDays(-1), 4'000'000, 900},  // yesterday: not in today's budget
                      {openId, kNow.addSecs(-120), 420'000, 300}};
    OverviewModel model(&f.usage, &f.keys(), &f.gateway);
    model.setClock([] { return kNow; });
    GatewayController controller(&f.gateway);
    OverviewPage page(&controller, &model);
    model.refresh();
    ASSERT_TRUE(waitUntil([&] { return !model.loading() && page.budgetCaption(dailyId); }));

    QProgressBar* bar = page.budgetBar(dailyId);
    ASSERT_NE(bar, nullptr);
    EXPECT_EQ(bar->value(), bar->maximum() * 60 / 100);
    EXPECT_EQ(page.budgetCaption(dailyId)->text(), QStringLiteral("$3.00 of $5.00 per day (60%)"));
    EXPECT_EQ(page.budgetBar(openId), nullptr) << "no budget: no bar";
    EXPECT_EQ(page.budgetCaption(openId)->text(), QStringLiteral("$0.42 this month · no budget"));
    EXPECT_EQ(page.tile(QStringLiteral("today"), QStringLiteral("requests"))->text(), QStringLiteral("2"));
    EXPECT_EQ(page.tile(QStringLiteral("today"), QStringLiteral("spend"))->text(), QStringLiteral("$3.42"));
    EXPECT_EQ(page.tile(QStringLiteral("month"), QStringLiteral("spend"))->text(), QStringLiteral("$7.42"));
}

TEST(OverviewModel, TheLedgerIsSummedAgainOnlyWhenTrafficPausesAtMostOnceAMinute) {
    using M = OverviewModel;
    EXPECT_TRUE(M::sumDue(-1, 0, 10)) << "never summed: at once, even mid-burst";
    // A minute after the last sum, with traffic paused for kQuietMs (or no request at all).
    EXPECT_TRUE(M::sumDue(M::kResumMs, 100, M::kQuietMs));
    EXPECT_TRUE(M::sumDue(M::kResumMs, 100, -1));
    EXPECT_FALSE(M::sumDue(M::kResumMs - 1, 100, M::kQuietMs)) << "less than a minute since the last sum";
    EXPECT_FALSE(M::sumDue(M::kResumMs, 100, M::kQuietMs - 1)) << "requests still finishing";
    EXPECT_FALSE(M::sumDue(M::kMaxStaleMs - 1, 100, 0)) << "steady traffic: the in-memory counts stand";
    EXPECT_TRUE(M::sumDue(M::kMaxStaleMs, 100, 0)) << "but not longer than kMaxStaleMs";
    // A slow sum (a big month) spaces the next one out to kQueryDutyFactor times its duration.
    const qint64 slow = M::kResumMs / M::kQueryDutyFactor * 3;
    EXPECT_FALSE(M::sumDue(M::kQueryDutyFactor * slow - 1, slow, -1));
    EXPECT_TRUE(M::sumDue(M::kQueryDutyFactor * slow, slow, -1));
}

TEST(OverviewPage, FinishedRequestsCountAtOnceAndTheNextLedgerSumReplacesThem) {
    Fixture f;
    auto daily = f.keys().create(QStringLiteral("laptop"), {{"budget_usd", 5.0}, {"budget_period", "day"}});
    ASSERT_TRUE(daily.ok());
    const QString id = daily->record.id;
    f.usage.spends = {{id, kNow.addSecs(-60), 3'000'000, 1200}};
    EventBus bus;
    OverviewModel model(&f.usage, &f.keys(), &f.gateway);
    model.setClock([] { return kNow; });
    model.attach(&bus);
    GatewayController controller(&f.gateway);
    OverviewPage page(&controller, &model);
    model.refresh();
    ASSERT_TRUE(waitUntil([&] { return !model.loading() && page.budgetCaption(id); }));
    const auto requestsToday = [&] { return page.tile(QStringLiteral("today"), QStringLiteral("requests"))->text(); };
    ASSERT_EQ(requestsToday(), QStringLiteral("1"));

    // A request finishes: shown within a second, without summing the ledger again.
    RequestEvent done;
    done.kind = RequestEvent::Kind::Finished;
    done.keyId = id;
    done.status = 200;
    done.costMicros = 1'000'000;
    done.usage.promptTokens = 10;
    done.usage.completionTokens = 5;
    bus.publish(done);
    ASSERT_TRUE(waitUntil([&] { return requestsToday() == QStringLiteral("2"); }, 5000));
    EXPECT_EQ(page.budgetCaption(id)->text(), QStringLiteral("$4.00 of $5.00 per day (80%)"));
    EXPECT_FALSE(model.loading()) << "no ledger query for a finished request";

    // The ledger has it now: the next sum replaces the in-memory count instead of adding to it.
    f.usage.spends.append({id, kNow.addSecs(-1), 1'000'000, 15});
    model.refresh();
    ASSERT_TRUE(waitUntil([&] { return !model.loading(); }));
    EXPECT_EQ(requestsToday(), QStringLiteral("2"));
    EXPECT_EQ(page.budgetCaption(id)->text(), QStringLiteral("$4.00 of $5.00 per day (80%)"));
}

TEST(OverviewPage, ProviderHealthShowsStatusAndLatency) {
    Fixture f;
    OverviewModel model(&f.usage, &f.keys(), &f.gateway);
    model.setHealthSource([] {
        return QList<HealthReport>{{QStringLiteral("openai"), HealthStatus::Healthy, 320, 0, {}},
                                   {QStringLiteral("ollama"), HealthStatus::CoolingDown, 15, 1, QStringLiteral("connection refused")}};
    });
    GatewayController controller(&f.gateway);
    OverviewPage page(&controller, &model);
    model.refresh();
    ASSERT_NE(page.healthLabel(QStringLiteral("openai")), nullptr);
    EXPECT_EQ(page.healthLabel(QStringLiteral("openai"))->text(), QStringLiteral("healthy · 320 ms"));
    EXPECT_TRUE(page.healthLabel(QStringLiteral("ollama"))->text().startsWith(QStringLiteral("cooling down")));
    EXPECT_EQ(page.healthLabel(QStringLiteral("ollama"))->toolTip(), QStringLiteral("connection refused"));
}

TEST(MainWindow, TrayNotifiesAtEightyAndHundredPercentOnceAndWhenAProviderGoesDown) {
    Fixture f;
    auto key = f.keys().create(QStringLiteral("laptop"), {{"budget_usd", 10.0}, {"budget_period", "month"}});
    ASSERT_TRUE(key.ok());
    const QString id = key->record.id;
    const QDateTime now = kNow;
    f.usage.spends = {{id, now.addSecs(-5), 8'500'000}};
    MainWindow window(&f.gateway, &f.usage);
    ASSERT_TRUE(waitUntil([&] { return !window.overview()->loading(); }));  // the first look, at startup
    window.overview()->setClock([] { return kNow; });
    bool down = false;
    window.overview()->setHealthSource([&] {
        return QList<HealthReport>{{QStringLiteral("openai"), down ? HealthStatus::CoolingDown : HealthStatus::Healthy,
                                    100, 0, down ? QStringLiteral("HTTP 503") : QString()}};
    });
    auto settle = [&] {
        window.overview()->refresh();
        return waitUntil([&] { return !window.overview()->loading(); });
    };
    ASSERT_TRUE(settle());
    ASSERT_EQ(window.tray()->shown().size(), 1);
    EXPECT_EQ(window.tray()->shown()[0].kind, Notification::Kind::BudgetWarning);
    ASSERT_TRUE(settle());
    EXPECT_EQ(window.tray()->shown().size(), 1) << "80% is notified once";

    f.usage.spends.append({id, now.addSecs(-4), 1'600'000});  // now $10.10 of $10
    ASSERT_TRUE(settle());
    ASSERT_EQ(window.tray()->shown().size(), 2);
    EXPECT_EQ(window.tray()->shown()[1].kind, Notification::Kind::BudgetReached);
    ASSERT_TRUE(settle());
    EXPECT_EQ(window.tray()->shown().size(), 2) << "100% is notified once";
    // The Keys page shows the same spend against budget.
    EXPECT_EQ(window.keys()->data(window.keys()->index(0, KeyListModel::Spend)).toString(),
              QStringLiteral("$10.10 / $10.00 (101%)"));

    down = true;
    ASSERT_TRUE(settle());
    ASSERT_EQ(window.tray()->shown().size(), 3);
    EXPECT_EQ(window.tray()->shown()[2].kind, Notification::Kind::ProviderDown);
    ASSERT_TRUE(settle());
    EXPECT_EQ(window.tray()->shown().size(), 3);
    down = false;
    ASSERT_TRUE(settle());
    ASSERT_EQ(window.tray()->shown().size(), 4);
    EXPECT_EQ(window.tray()->shown()[3].kind, Notification::Kind::ProviderUp);
}

TEST(CreateKeyDialog, PolicyFieldsSayWhatIsWrongNextToEachField) {
    Fixture f;
    CreateKeyDialog dialog(&f.keys(), QStringLiteral("http://127.0.0.1:8787/v1"));
    dialog.show();
    dialog.nameEdit()->setText(QStringLiteral("cursor"));
    ASSERT_TRUE(dialog.createButton()->isEnabled());

    const struct {
        QLineEdit* edit;
        const char* field;
        const char* bad;
        const char* good;
    } cases[] = {{dialog.budgetEdit(), "budget", "five", "5"},
                 {dialog.rpmEdit(), "rpm", "0", "60"},
                 {dialog.tpmEdit(), "tpm", "1.5", "100000"},
                 {dialog.concurrentEdit(), "concurrent", "-2", "4"},
                 {dialog.modelsEdit(), "models", "gpt-4o*, bad model", "gpt-4o*, claude-sonnet-4-5"}};
    for (const auto& c : cases) {
        c.edit->setText(QString::fromLatin1(c.bad));
        QLabel* error = dialog.errorLabel(QString::fromLatin1(c.field));
        EXPECT_TRUE(error->isVisible()) << c.field;
        EXPECT_FALSE(error->text().isEmpty()) << c.field;
        EXPECT_FALSE(dialog.createButton()->isEnabled()) << c.field;
        // Next to its own field: directly below it in the same column.
        EXPECT_EQ(error->parentWidget(), c.edit->parentWidget());
        EXPECT_GT(error->geometry().top(), c.edit->geometry().top());
        c.edit->setText(QString::fromLatin1(c.good));
        EXPECT_FALSE(error->isVisible()) << c.field;
    }
    dialog.expiresCheck()->setChecked(true);
    dialog.expiryEdit()->setDate(QDate::currentDate().addDays(-1));
    EXPECT_TRUE(dialog.errorLabel(QStringLiteral("expiry"))->isVisible());
    EXPECT_FALSE(dialog.createButton()->isEnabled());
    dialog.expiryEdit()->setDate(QDate::currentDate().addDays(30));
    dialog.periodCombo()->setCurrentIndex(dialog.periodCombo()->findData(QStringLiteral("day")));
    ASSERT_TRUE(dialog.createButton()->isEnabled());
    dialog.createButton()->click();
    ASSERT_TRUE(dialog.showingSecret());

    const QString secret = dialog.shownSecret();
    const auto record = f.gateway.keys()->verify(secret.toUtf8());
    ASSERT_TRUE(record.has_value());
    const QJsonObject policy = record->policy;
    EXPECT_EQ(policy.value("budget_usd").toDouble(), 5.0);
    EXPECT_EQ(policy.value("budget_period").toString(), QStringLiteral("day"));
    EXPECT_EQ(policy.value("rpm").toInt(), 60);
    EXPECT_EQ(policy.value("tpm").toInt(), 100000);
    EXPECT_EQ(policy.value("max_concurrent").toInt(), 4);
    EXPECT_EQ(policy.value("models").toArray(), QJsonArray({"gpt-4o*", "claude-sonnet-4-5"}));
    EXPECT_EQ(QDateTime::fromString(policy.value("expires_at").toString(), Qt::ISODate).toLocalTime().date(),
              QDate::currentDate().addDays(30));

    // Code snippets read the key from the environment; only the environment snippet holds it.
    QString python, curl, env;
    for (QPlainTextEdit* e : dialog.findChildren<QPlainTextEdit*>()) {
        if (e->accessibleName().startsWith(QStringLiteral("Python"))) python = e->toPlainText();
        if (e->accessibleName().startsWith(QStringLiteral("curl"))) curl = e->toPlainText();
        if (e->accessibleName().startsWith(QStringLiteral("Environment"))) env = e->toPlainText();
    }
    EXPECT_FALSE(python.contains(secret));
    EXPECT_TRUE(python.contains(QStringLiteral("    api_key=os.environ[\"AGENTROUTER_API_KEY\"],\n"))) << qPrintable(python);
    EXPECT_TRUE(python.startsWith(QStringLiteral("import os\nfrom openai import OpenAI\n"))) << "every import is used";
    EXPECT_FALSE(curl.contains(secret));
    EXPECT_TRUE(curl.contains(QStringLiteral("Bearer $AGENTROUTER_API_KEY")));
    EXPECT_TRUE(env.contains(QStringLiteral("export AGENTROUTER_API_KEY=") + secret));
}

TEST(KeysPage, RotateAsksThenShowsTheNewSecretOnce) {
    Fixture f;
    auto issued = f.keys().create(QStringLiteral("laptop"), {});
    ASSERT_TRUE(issued.ok());
    const QString oldSecret = issued->secret;
    KeyListModel model(&f.keys());
    GatewayController controller(&f.gateway);
    KeysPage page(&model, &controller);
    page.show();
    page.table()->selectRow(0);
    page.confirmRotate();
    auto* box = findVisible<QMessageBox>(&page);
    ASSERT_NE(box, nullptr);
    EXPECT_TRUE(f.gateway.keys()->verify(oldSecret.toUtf8()).has_value()) << "nothing happens before confirming";
    QAbstractButton* rotate = nullptr;
    for (QAbstractButton* b : box->buttons())
        if (b->text() == QStringLiteral("Rotate")) rotate = b;
    ASSERT_NE(rotate, nullptr);
    rotate->click();
    QApplication::processEvents();

    auto* dialog = findVisible<CreateKeyDialog>(&page);
    ASSERT_NE(dialog, nullptr);
    ASSERT_TRUE(dialog->showingSecret());
    const QString newSecret = dialog->shownSecret();
    EXPECT_NE(newSecret, oldSecret);
    EXPECT_FALSE(f.gateway.keys()->verify(oldSecret.toUtf8()).has_value()) << "the old secret stops working";
    const auto record = f.gateway.keys()->verify(newSecret.toUtf8());
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->id, issued->record.id) << "same key, new secret";
    EXPECT_FALSE(dialog->createButton()->isVisible());
    dialog->accept();
    EXPECT_TRUE(dialog->shownSecret().isEmpty());
}

TEST(KeysPage, AKeyKeptInTheKeychainCanBeCopiedAgainAndRotationDropsTheStaleCopy) {
    Fixture f;
    MemorySecretStore keychain;
    f.gateway.admin()->setSecretStore(&keychain);
    KeyListModel model(&f.keys());
    GatewayController controller(&f.gateway);
    KeysPage page(&model, &controller);
    page.show();
    auto waitFor = [](auto done) {
        QDeadlineTimer deadline(5000);
        while (!done() && !deadline.hasExpired()) QApplication::processEvents(QEventLoop::AllEvents, 10);
        return done();
    };

    page.openCreateDialog();
    auto* dialog = findVisible<CreateKeyDialog>(&page);
    ASSERT_NE(dialog, nullptr);
    ASSERT_TRUE(dialog->keepCheck()->isEnabled());
    dialog->nameEdit()->setText(QStringLiteral("kept"));
    dialog->keepCheck()->setChecked(true);
    dialog->createButton()->click();
    const QString secret = dialog->shownSecret();
    ASSERT_TRUE(secret.startsWith(QStringLiteral("sk-ar-")));
    const QString id = f.gateway.keys()->verify(secret.toUtf8())->id;
    const QString entry = secretentry::gatewayKey(id);
    ASSERT_TRUE(waitFor([&] { return keychain.entries().contains(entry); }));
    EXPECT_EQ(keychain.entries().value(entry), secret.toUtf8());
    EXPECT_TRUE(waitFor([&] { return dialog->keepStatus()->text().contains(QStringLiteral("kept in the keychain")); }))
        << qPrintable(dialog->keepStatus()->text());
    dialog->accept();
    ASSERT_TRUE(f.keys().create(QStringLiteral("not-kept"), {}).ok());
    model.refresh();

    auto selectKey = [&](const QString& name) {
        for (int row = 0; row < model.rowCount(); ++row)
            if (model.record(row)->name == name) page.table()->selectRow(row);
    };
    QGuiApplication::clipboard()->clear();
    selectKey(QStringLiteral("kept"));
    page.copySelectedKey();
    EXPECT_TRUE(waitFor([] { return QGuiApplication::clipboard()->text().startsWith(QStringLiteral("sk-ar-")); }));
    EXPECT_EQ(QGuiApplication::clipboard()->text(), secret);
    EXPECT_TRUE(page.status()->text().contains(QStringLiteral("Copied"))) << qPrintable(page.status()->text());

    selectKey(QStringLiteral("not-kept"));
    page.copySelectedKey();
    EXPECT_TRUE(waitFor([&] { return page.status()->text().contains(QStringLiteral("No copy")); }))
        << qPrintable(page.status()->text());

    // Rotating makes the kept copy stale: it is removed.
    selectKey(QStringLiteral("kept"));
    page.confirmRotate();
    auto* box = findVisible<QMessageBox>(&page);
    ASSERT_NE(box, nullptr);
    for (QAbstractButton* b : box->buttons())
        if (b->text() == QStringLiteral("Rotate")) b->click();
    EXPECT_TRUE(waitFor([&] { return !keychain.entries().contains(entry); }));
}

TEST(ProviderDialog, TestConnectionMakesARealCallWithProgressAndShowsTheResult) {
    ar::test::FakeUpstream fake;
    fake.setHandler([](const HttpRequest& req) {
        if (req.header("authorization") != "Bearer sk-typed-in-dialog")
            return ar::test::FakeResponse::json(
                401, R"({"error":{"message":"Incorrect API key provided: sk-wrong.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}})");
        return ar::test::FakeResponse::json(
            200, R"({"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"}]})");
    });
    ConnectionChecker checker;
    ProviderDialog dialog({}, nullptr, nullptr, &checker);
    dialog.show();
    dialog.typeCombo()->setCurrentIndex(dialog.typeCombo()->findData(QStringLiteral("openai-compatible")));
    dialog.baseUrlEdit()->setText(fake.baseUrl());
    QLineEdit* key = nullptr;
    for (QLineEdit* e : dialog.findChildren<QLineEdit*>())
        if (e->echoMode() == QLineEdit::Password) key = e;
    ASSERT_NE(key, nullptr);

    key->setText(QStringLiteral("sk-wrong"));
    dialog.testButton()->click();
    EXPECT_TRUE(dialog.testStatus()->running());
    EXPECT_TRUE(dialog.testStatus()->progress()->isVisible()) << "progress while it runs";
    EXPECT_FALSE(dialog.testButton()->isEnabled());
    ASSERT_TRUE(waitUntil([&] { return !dialog.testStatus()->running(); }, 10000));
    EXPECT_FALSE(dialog.testStatus()->progress()->isVisible());
    EXPECT_TRUE(dialog.testStatus()->text().contains(QStringLiteral("Incorrect API key provided")))
        << qPrintable(dialog.testStatus()->text());
    EXPECT_TRUE(dialog.testStatus()->text().contains(QStringLiteral("401")));

    key->setText(QStringLiteral("sk-typed-in-dialog"));
    dialog.testButton()->click();
    ASSERT_TRUE(waitUntil([&] { return !dialog.testStatus()->running(); }, 10000));
    EXPECT_TRUE(dialog.testStatus()->text().contains(QStringLiteral("Connected: 1 model available")))
        << qPrintable(dialog.testStatus()->text());
    EXPECT_TRUE(dialog.testButton()->isEnabled());
    EXPECT_EQ(fake.requestCount(), 2);
    EXPECT_EQ(fake.requests().last().path, "/v1/models");
}

TEST(ProvidersPage, TestConnectionOfTheSelectedProvider) {
    ar::test::FakeUpstream fake;
    fake.setHandler([](const HttpRequest&) {
        return ar::test::FakeResponse::json(503, R"({"error":{"message":"The server is overloaded.","type":"server_error","param":null,"code":null}})");
    });
    Fixture f(twoProviderConfig(fake.baseUrl()));
    MainWindow window(&f.gateway, &f.usage);
    auto* page = static_cast<ProvidersPage*>(window.page(MainWindow::Providers));
    window.show();
    window.showPage(MainWindow::Providers);
    page->table()->selectRow(0);
    ASSERT_TRUE(page->testButton()->isEnabled());
    page->testButton()->click();
    EXPECT_TRUE(page->testStatus()->running());
    ASSERT_TRUE(waitUntil([&] { return !page->testStatus()->running(); }, 10000));
    EXPECT_TRUE(page->testStatus()->text().contains(QStringLiteral("The server is overloaded.")))
        << qPrintable(page->testStatus()->text());
}

TEST(RoutesPage, DragAndButtonsReorderTargetsAndSaveWritesTheOrder) {
    Fixture f;
    {
        QFile file(f.configPath());
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(R"({"providers":[{"id":"openai","type":"openai"},
                                    {"id":"ollama","type":"ollama","base_url":"http://127.0.0.1:11434/v1"}],
                      "routes":[{"model":"gpt-4o-mini","targets":[{"provider":"openai","model":"gpt-4o-mini"},
                                                                  {"provider":"ollama","model":"llama3.2"}]}]})");
    }
    MainWindow window(&f.gateway, &f.usage);
    window.setConfigPath(f.configPath());
    auto* page = static_cast<RoutesPage*>(window.page(MainWindow::Routes));
    window.show();
    window.showPage(MainWindow::Routes);
    ASSERT_EQ(page->routeList()->currentRow(), 0);
    ASSERT_EQ(page->targetList()->count(), 2);
    EXPECT_FALSE(page->saveButton()->isEnabled()) << "nothing to save yet";

    // What a drop does in an internal-move list: the dragged row moves within the model.
    QAbstractItemModel* model = page->targetList()->model();
    ASSERT_TRUE(model->moveRows(QModelIndex(), 1, 1, QModelIndex(), 0));
    ASSERT_TRUE(waitUntil([&] { return window.routes()->modified(); }));
    EXPECT_EQ(window.routes()->routes()[0].targets[0].providerId, QStringLiteral("ollama"));
    EXPECT_TRUE(page->targetList()->item(0)->text().contains(QStringLiteral("ollama")));
    EXPECT_TRUE(page->saveButton()->isEnabled());

    page->thresholdSpin()->setValue(5);
    page->saveButton()->click();
    EXPECT_TRUE(page->statusLabel()->text().startsWith(QStringLiteral("Saved"))) << qPrintable(page->statusLabel()->text());
    ConfigLoad saved = loadConfigFile(f.configPath());
    ASSERT_TRUE(saved.ok()) << qPrintable(saved.errors.first().toString());
    EXPECT_EQ(saved.config.routes[0].targets[0].providerId, QStringLiteral("ollama"));
    EXPECT_EQ(saved.config.routes[0].targets[1].providerId, QStringLiteral("openai"));
    EXPECT_EQ(saved.config.healthFailureThreshold, 5);
    EXPECT_EQ(f.gateway.config().routes[0].targets[0].providerId, QStringLiteral("ollama"))
        << "the gateway starts with it next time";
    EXPECT_FALSE(page->saveButton()->isEnabled());

    // Keyboard way: select the first target and move it down.
    page->targetList()->setCurrentRow(0);
    EXPECT_FALSE(page->upButton()->isEnabled());
    page->downButton()->click();
    EXPECT_EQ(window.routes()->routes()[0].targets[0].providerId, QStringLiteral("openai"));
    EXPECT_EQ(page->targetList()->currentRow(), 1) << "the selection follows the moved target";
    page->saveButton()->click();
    saved = loadConfigFile(f.configPath());
    EXPECT_EQ(saved.config.routes[0].targets[0].providerId, QStringLiteral("openai"));
}

TEST(RoutesPage, ADropThatCopiesThenRemovesAlsoReorders) {
    Fixture f;
    RouteEditor editor;
    editor.load(f.gateway.config().routes, {});
    RoutesPage page(&editor);
    page.show();
    // The generic item-view drop: the dragged row's data is inserted at the target, then the
    // original row is removed.
    QAbstractItemModel* model = page.targetList()->model();
    const QMap<int, QVariant> dragged = model->itemData(model->index(1, 0));
    ASSERT_TRUE(model->insertRow(0));
    ASSERT_TRUE(model->setItemData(model->index(0, 0), dragged));
    ASSERT_TRUE(model->removeRow(2));
    ASSERT_TRUE(waitUntil([&] { return editor.modified(); }));
    ASSERT_EQ(editor.routes()[0].targets.size(), 2);
    EXPECT_EQ(editor.routes()[0].targets[0].providerId, QStringLiteral("ollama"));
    EXPECT_EQ(editor.routes()[0].targets[0].upstreamModel, QStringLiteral("llama3.2"));
    EXPECT_EQ(editor.routes()[0].targets[1].providerId, QStringLiteral("openai"));
}

TEST(UsagePage, CustomRangeQueriesTheChosenDays) {
    FakeUsageQueries fake;
    UsageModel model(&fake);
    UsagePage page(&model);
    page.show();
    ASSERT_TRUE(waitUntil([&] { return fake.calls > 0 && !model.loading(); }));
    EXPECT_FALSE(page.fromEdit()->isVisible());

    page.rangeCombo()->setCurrentIndex(page.rangeCombo()->findData(int(UsageRange::Custom)));
    EXPECT_TRUE(page.fromEdit()->isVisible());
    page.fromEdit()->setDate(QDate(2026, 2, 3));
    page.toEdit()->setDate(QDate(2026, 2, 9));
    // Each edit queries on its own, and the queries may run in any order on the pool: what the
    // page shows is the newest one's (the model drops older answers), with the last day included.
    const QDateTime from(QDate(2026, 2, 3), QTime(0, 0), Qt::UTC), to(QDate(2026, 2, 10), QTime(0, 0), Qt::UTC);
    EXPECT_TRUE(waitUntil([&] { return !model.loading() && model.window().from == from && model.window().to == to; }))
        << "shown: " << qPrintable(model.window().from.toString(Qt::ISODate)) << " to "
        << qPrintable(model.window().to.toString(Qt::ISODate));
    EXPECT_EQ(model.window().granularity, UsageGranularity::Day);
    EXPECT_EQ(model.window().slots().size(), 7);

    const int calls = fake.calls;
    page.fromEdit()->setDate(QDate(2026, 2, 12));  // after the last day
    EXPECT_TRUE(page.rangeError()->isVisible());
    EXPECT_FALSE(page.rangeError()->text().isEmpty());
    QApplication::processEvents();
    EXPECT_EQ(fake.calls, calls) << "an impossible range is not queried";

    page.toEdit()->setDate(QDate(2026, 2, 12));  // one day: by the hour
    ASSERT_TRUE(waitUntil([&] { return !model.loading() && model.window().to == QDateTime(QDate(2026, 2, 13), QTime(0, 0), Qt::UTC); }));
    EXPECT_FALSE(page.rangeError()->isVisible());
    EXPECT_EQ(model.window().granularity, UsageGranularity::Hour);
}

TEST(MainWindow, ProviderKeyFromTheDialogGoesToTheKeychainNotTheConfig) {
    Fixture f;
    KeychainSecretStore keychain(QStringLiteral("agentrouter-gui-test"));
    f.gateway.admin()->setSecretStore(&keychain);
    MainWindow window(&f.gateway, &f.usage);
    window.setConfigPath(f.configPath());
    auto* page = static_cast<ProvidersPage*>(window.page(MainWindow::Providers));
    window.show();
    page->openAddDialog();
    QApplication::processEvents();
    auto* dialog = findVisible<ProviderDialog>(page);
    ASSERT_NE(dialog, nullptr);
    dialog->typeCombo()->setCurrentIndex(dialog->typeCombo()->findData(QStringLiteral("groq")));
    for (QLineEdit* e : dialog->findChildren<QLineEdit*>())
        if (e->echoMode() == QLineEdit::Password) e->setText(QStringLiteral("gsk-from-the-dialog"));
    dialog->saveButton()->click();

    ASSERT_TRUE(waitUntil([&] { return f.gateway.admin()->credentials()->has(QStringLiteral("groq")); }, 15000))
        << qPrintable(window.warnings().join(QLatin1Char('\n')));
    QFile file(f.configPath());
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    EXPECT_FALSE(text.contains("gsk-from-the-dialog"));
    const ConfigLoad saved = parseConfig(text, f.configPath());
    ASSERT_TRUE(saved.ok());
    ASSERT_NE(saved.config.provider(QStringLiteral("groq")), nullptr);
    EXPECT_EQ(saved.config.provider(QStringLiteral("groq"))->credential, QStringLiteral("keychain"));
    EXPECT_EQ(window.providers()->rowCount(), 3);

    // Read back from the keychain itself, then clean up.
    std::optional<QByteArray> stored;
    bool answered = false;
    keychain.read(secretentry::provider(QStringLiteral("groq")), &window,
                  [&](Result<std::optional<QByteArray>> r) {
                      answered = true;
                      if (r) stored = r.value();
                  });
    ASSERT_TRUE(waitUntil([&] { return answered; }, 15000));
    EXPECT_EQ(stored.value_or(QByteArray()), QByteArray("gsk-from-the-dialog"));
    bool removed = false;
    keychain.remove(secretentry::provider(QStringLiteral("groq")), &window, [&](Status) { removed = true; });
    EXPECT_TRUE(waitUntil([&] { return removed; }, 15000));
}

TEST(MainWindow, WarningsShowInABannerUntilDismissed) {
    Fixture f;
    MainWindow window(&f.gateway, &f.usage);
    window.show();
    EXPECT_FALSE(window.banner()->isVisible());
    window.addWarnings({QStringLiteral("No keychain is usable: provider keys come from environment variables.")});
    EXPECT_TRUE(window.banner()->isVisible());
    bool shown = false;
    for (QLabel* l : window.banner()->findChildren<QLabel*>())
        shown |= l->text().contains(QStringLiteral("No keychain is usable"));
    EXPECT_TRUE(shown);
    window.addWarnings({QStringLiteral("No keychain is usable: provider keys come from environment variables.")});
    EXPECT_EQ(window.warnings().size(), 1) << "the same warning once";
    for (QAbstractButton* b : window.banner()->findChildren<QAbstractButton*>()) b->click();
    EXPECT_FALSE(window.banner()->isVisible());
}

TEST(MainWindow, RemembersColumnWidthsAndThePage) {
    Fixture f;
    {
        MainWindow window(&f.gateway, &f.usage);
        window.showPage(MainWindow::Keys);
        auto* table = window.page(MainWindow::Keys)->findChild<QTableView*>();
        table->setColumnWidth(0, 211);
        window.saveWindowState();
    }
    MainWindow again(&f.gateway, &f.usage);
    EXPECT_EQ(again.currentPage(), MainWindow::Overview);
    again.restoreWindowState();
    EXPECT_EQ(again.currentPage(), MainWindow::Keys);
    auto* table = again.page(MainWindow::Keys)->findChild<QTableView*>();
    EXPECT_EQ(table->columnWidth(0), 211);
    QSettings().clear();
}

TEST(MainWindow, KeychainProblemsReachTheBannerAndTheGatewayStillStarts) {
    Config c = twoProviderConfig();
    c.providers[0].credential = QStringLiteral("keychain");
    Fixture f(c);
    MemorySecretStore store;
    store.setFailure(ApiError{503, QStringLiteral("The keychain is locked."), QStringLiteral("keychain_error"), {},
                              secreterror::kUnavailable});
    f.gateway.admin()->setSecretStore(&store);
    MainWindow window(&f.gateway, &f.usage);
    window.show();
    window.controller()->loadSecretsThenStart([&](QStringList w) { window.addWarnings(w); });
    ASSERT_TRUE(waitUntil([&] { return window.controller()->running(); }));
    EXPECT_TRUE(window.banner()->isVisible());
    const QString text = window.warnings().join(QLatin1Char('\n'));
    EXPECT_TRUE(text.contains(QStringLiteral("Provider 'openai'"))) << qPrintable(text);
    EXPECT_TRUE(text.contains(QStringLiteral("The keychain is locked."))) << qPrintable(text);
    EXPECT_TRUE(text.contains(QStringLiteral("admin API is off"))) << qPrintable(text);
    window.controller()->stop();
}

TEST(MainWindow, SecretsFromTheKeychainAreLiveBeforeTheFirstRequest) {
    Config c = twoProviderConfig();
    c.providers[0].credential = QStringLiteral("keychain");
    Fixture f(c);
    MemorySecretStore store;
    f.gateway.admin()->setSecretStore(&store);
    bool written = false;
    store.write(secretentry::provider(QStringLiteral("openai")), "sk-kept-in-keychain", &store, [&](Status) { written = true; });
    ASSERT_TRUE(waitUntil([&] { return written; }));
    MainWindow window(&f.gateway, &f.usage);
    QStringList warnings{QStringLiteral("none yet")};
    window.controller()->loadSecretsThenStart([&](QStringList w) { warnings = w; });
    ASSERT_TRUE(waitUntil([&] { return window.controller()->running(); }));
    EXPECT_EQ(warnings, QStringList{QStringLiteral("none yet")}) << "no problem, no warning";
    EXPECT_EQ(f.gateway.admin()->credentials()->resolve(f.gateway.config().providers[0]).apiKey,
              QStringLiteral("sk-kept-in-keychain"));
    window.controller()->stop();
}
