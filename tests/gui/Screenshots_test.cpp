#include <QApplication>
#include <QChart>
#include <QComboBox>
#include <QCheckBox>
#include <QDateEdit>
#include <QJsonObject>
#include <QListWidget>
#include <QDir>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>
#include <gtest/gtest.h>

#include "MainWindow.h"
#include "TrayIcon.h"
#include "auth/KeyStore.h"
#include "core/Gateway.h"
#include "dialogs/CreateKeyDialog.h"
#include "dialogs/ProviderDialog.h"
#include "events/EventBus.h"
#include "models/LiveLogModel.h"
#include "models/UsageModel.h"
#include "admin/AdminServices.h"
#include "keys/KeyService.h"
#include "models/OverviewModel.h"
#include "models/ProviderListModel.h"
#include "pages/KeysPage.h"
#include "pages/LiveLogPage.h"
#include "pages/ProvidersPage.h"
#include "pages/RoutesPage.h"
#include "pages/UsagePage.h"
#include "providers/ConnectionCheck.h"
#include "support/FakeUpstream.h"
#include "support/GuiTestSupport.h"
#include "widgets/ConnectionTestStatus.h"

using namespace ar;
using namespace ar::gui;
using namespace ar::gui::test;

// Renders every page and dialog with sample data to build/screenshots/*.png for a person
// (and the author) to look at. It checks only that each image was written and is not blank.
namespace {

QString shotDir() {
    const QString dir = QStringLiteral(AR_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    return dir;
}

void save(QWidget* w, const QString& name) {
    // Layout requests travel up one level per event-loop pass: let nested layouts settle.
    for (int i = 0; i < 5; ++i) QApplication::processEvents();
    const QPixmap pixmap = w->grab();
    ASSERT_FALSE(pixmap.isNull()) << qPrintable(name);
    const QString path = shotDir() + QLatin1Char('/') + name + QStringLiteral(".png");
    ASSERT_TRUE(pixmap.save(path)) << qPrintable(path);
    // Not one flat colour: something was drawn.
    const QImage img = pixmap.toImage();
    const QRgb first = img.pixel(0, 0);
    bool varied = false;
    for (int y = 0; y < img.height() && !varied; y += 7)
        for (int x = 0; x < img.width() && !varied; x += 7) varied = img.pixel(x, y) != first;
    EXPECT_TRUE(varied) << qPrintable(name);
}

Config sampleConfig() {
    Config c;
    c.server.bind = QStringLiteral("127.0.0.1");
    c.server.port = 0;
    c.server.workers = 1;
    auto provider = [](const char* id, const char* type, const char* url, const char* env) {
        ProviderConfig p;
        p.id = QString::fromLatin1(id);
        p.type = QString::fromLatin1(type);
        p.baseUrl = QUrl(QString::fromLatin1(url));
        p.apiKeyEnv = QString::fromLatin1(env);
        return p;
    };
    c.providers = {provider("openai", "openai", "https://api.openai.com/v1", "OPENAI_API_KEY"),
                   provider("anthropic", "anthropic", "https://api.anthropic.com/v1", "ANTHROPIC_API_KEY"),
                   provider("ollama", "ollama", "http://127.0.0.1:11434/v1", "")};
    c.providers[0].apiKey = QStringLiteral("set");
    c.routes = {Route{QStringLiteral("gpt-4o-mini"),
                      {RouteTarget{QStringLiteral("openai"), QStringLiteral("gpt-4o-mini"), 0},
                       RouteTarget{QStringLiteral("ollama"), QStringLiteral("llama3.2"), 0}}},
                Route{QStringLiteral("claude-sonnet"),
                      {RouteTarget{QStringLiteral("anthropic"), QStringLiteral("claude-sonnet-4-5"), 0}}},
                Route{QStringLiteral("local"), {RouteTarget{QStringLiteral("ollama"), QStringLiteral("qwen2.5"), 0}}}};
    return c;
}

void publishSampleTraffic(EventBus* bus) {
    const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 60'000;
    const struct {
        const char* model;
        const char* key;
        const char* provider;
        const char* upstream;
        int status;
        qint64 prompt, completion, ttfb, latency;
        const char* text;
    } rows[] = {
        {"gpt-4o-mini", "laptop", "openai", "gpt-4o-mini", 200, 412, 128, 310, 1820, "Sure! Here is a haiku about routers."},
        {"claude-sonnet", "cursor", "anthropic", "claude-sonnet-4-5", 200, 5210, 904, 620, 7400, "The function fails because the iterator is invalidated."},
        {"gpt-4o-mini", "ci", "openai", "gpt-4o-mini", 429, 0, 0, 95, 95, ""},
        {"local", "laptop", "ollama", "qwen2.5", 200, 96, 240, 180, 2600, "Bonjour ! Comment puis-je vous aider ?"},
        {"claude-sonnet", "cursor", "anthropic", "claude-sonnet-4-5", 502, 0, 0, -1, 30000, ""},
    };
    quint64 id = 1;
    for (const auto& r : rows) {
        const qint64 ts = t0 + qint64(id) * 4000;
        bus->publish(started(id, QString::fromLatin1(r.model), QString::fromLatin1(r.key), true, ts));
        if (r.ttfb >= 0)
            bus->publish(firstByte(id, QString::fromLatin1(r.provider), QString::fromLatin1(r.upstream), r.ttfb,
                                   ts + r.ttfb));
        if (*r.text) bus->publish(delta(id, {QString::fromLatin1(r.text)}, ts + r.ttfb + 50));
        RequestEvent f = finished(id, r.status, r.prompt, r.completion, r.latency, ts + r.latency);
        if (r.status == 429) f.errorCode = QStringLiteral("rate_limit_exceeded");
        if (r.status == 502) f.errorCode = QStringLiteral("upstream_unreachable");
        bus->publish(f);
        ++id;
    }
    // One still streaming.
    const qint64 ts = QDateTime::currentMSecsSinceEpoch() - 2300;
    bus->publish(started(id, QStringLiteral("gpt-4o-mini"), QStringLiteral("cursor"), true, ts));
    bus->publish(firstByte(id, QStringLiteral("openai"), QStringLiteral("gpt-4o-mini"), 280, ts + 280));
    bus->publish(delta(id, {QStringLiteral("Routing lets one endpoint "), QStringLiteral("serve many models: "),
                            QStringLiteral("each request goes to the first healthy target, and")},
                       ts + 900));
}

void fillUsage(FakeUsageQueries& fake) {
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QDateTime today(now.date(), QTime(0, 0), Qt::UTC);
    const QDateTime hour(now.date(), QTime(now.time().hour(), 0), Qt::UTC);
    const char* models[] = {"gpt-4o-mini", "claude-sonnet", "local"};
    for (int d = 0; d < 30; ++d)
        for (int m = 0; m < 3; ++m) {
            const qint64 base = (m == 1 ? 40000 : m == 0 ? 25000 : 8000) + (d * 7919 % 13) * 1500;
            fake.data << bucket(today.addDays(-d), QString::fromLatin1(models[m]), base, base / 4,
                                m == 2 ? 0 : base * (m == 1 ? 6 : 1), 20 + d % 7);
        }
    for (int h = 0; h < 24; ++h)
        for (int m = 0; m < 3; ++m) {
            const qint64 base = (m == 1 ? 3000 : m == 0 ? 1800 : 600) + (h * 31 % 9) * 200;
            fake.hourly << bucket(hour.addSecs(-3600 * h), QString::fromLatin1(models[m]), base, base / 3,
                                m == 2 ? 0 : base * (m == 1 ? 6 : 1), 2 + h % 3);
        }
}

QPalette darkPalette() {
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31), base(0x1f, 0x21, 0x24), text(0xe6, 0xe6, 0xe6);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2c));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3c));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0xa0, 0xa8));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x7e, 0xd6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Light, QColor(0x45, 0x47, 0x4c));
    p.setColor(QPalette::Midlight, QColor(0x3a, 0x3c, 0x41));
    p.setColor(QPalette::Mid, QColor(0x50, 0x52, 0x57));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Link, QColor(0x6c, 0xa8, 0xf0));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x80, 0x80, 0x80));
    return p;
}

QList<HealthReport> sampleHealth() {
    return {{QStringLiteral("openai"), HealthStatus::Healthy, 320, 0, {}},
            {QStringLiteral("anthropic"), HealthStatus::CoolingDown, 7400, 1,
             QStringLiteral("The upstream provider 'anthropic' answered HTTP 529.")},
            {QStringLiteral("ollama"), HealthStatus::Unknown, -1, 0, {}}};
}

}  // namespace

TEST(Screenshots, EveryPageAndDialog) {
    QTemporaryDir data;
    Gateway gateway(sampleConfig(), data.path());
    ASSERT_TRUE(gateway.start().ok());
    KeyService& keys = gateway.admin()->keys();
    QHash<QString, QString> ids;
    const struct {
        const char* name;
        QJsonObject policy;
    } sampleKeys[] = {{"laptop", {{"budget_usd", 20.0}, {"budget_period", "month"}}},
                      {"cursor", {{"budget_usd", 5.0}, {"budget_period", "day"}, {"rpm", 60}}},
                      {"aider-ci", {{"budget_usd", 2.0}, {"budget_period", "week"}}},
                      {"notebook", {}},
                      {"old", {}}};
    for (const auto& k : sampleKeys) {
        auto issued = keys.create(QString::fromLatin1(k.name), k.policy);
        ASSERT_TRUE(issued.ok());
        ids.insert(QString::fromLatin1(k.name), issued->record.id);
    }
    ASSERT_TRUE(keys.revoke(ids.value(QStringLiteral("old"))).ok());

    FakeUsageQueries usage;
    fillUsage(usage);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    usage.spends = {{ids.value(QStringLiteral("laptop")), now.addSecs(-300), 7'420'000, 182'000},
                    {ids.value(QStringLiteral("cursor")), now.addSecs(-200), 4'310'000, 96'000},
                    {ids.value(QStringLiteral("aider-ci")), now.addSecs(-100), 2'050'000, 51'000},
                    {ids.value(QStringLiteral("notebook")), now.addSecs(-50), 380'000, 9'000}};
    MainWindow window(&gateway, &usage);
    window.setConfigPath(data.filePath(QStringLiteral("config.json")));
    window.overview()->setHealthSource(sampleHealth);
    window.resize(1180, 760);
    window.show();
    publishSampleTraffic(gateway.events());
    QApplication::processEvents();
    window.liveLog()->flush();
    window.overview()->refresh();
    ASSERT_TRUE(waitUntil([&] { return !window.overview()->loading() && !window.overview()->budgets().isEmpty(); }));

    window.showPage(MainWindow::Overview);
    save(&window, QStringLiteral("page_overview"));

    window.showPage(MainWindow::LiveLog);
    auto* log = static_cast<LiveLogPage*>(window.page(MainWindow::LiveLog));
    log->selectRow(window.liveLog()->rowCount() - 1);
    save(&window, QStringLiteral("page_live_log"));

    window.showPage(MainWindow::Usage);
    auto* usagePage = static_cast<UsagePage*>(window.page(MainWindow::Usage));
    ASSERT_TRUE(waitUntil([&] { return !usagePage->tokensChart()->series().isEmpty() && !window.usage()->loading(); }));
    save(&window, QStringLiteral("page_usage_7d"));
    auto* range = usagePage->rangeCombo();
    range->setCurrentIndex(range->findData(int(UsageRange::Last24Hours)));
    ASSERT_TRUE(waitUntil([&] { return !window.usage()->loading() && window.usage()->window().granularity == UsageGranularity::Hour; }));
    save(&window, QStringLiteral("page_usage_24h"));
    range->setCurrentIndex(range->findData(int(UsageRange::Last30Days)));
    ASSERT_TRUE(waitUntil([&] { return !window.usage()->loading() && window.usage()->window().slots().size() == 30; }));
    save(&window, QStringLiteral("page_usage_30d"));
    range->setCurrentIndex(range->findData(int(UsageRange::Custom)));
    usagePage->fromEdit()->setDate(now.date().addDays(-9));
    usagePage->toEdit()->setDate(now.date().addDays(-2));
    ASSERT_TRUE(waitUntil([&] { return !window.usage()->loading() && window.usage()->window().slots().size() == 8; }));
    save(&window, QStringLiteral("page_usage_custom"));

    for (auto [page, name] : {std::pair{MainWindow::Keys, "page_keys"}, std::pair{MainWindow::Providers, "page_providers"},
                              std::pair{MainWindow::Routes, "page_routes"}, std::pair{MainWindow::Settings, "page_settings"}}) {
        window.showPage(page);
        if (page == MainWindow::Keys) window.page(page)->findChild<QTableView*>()->selectRow(0);
        if (page == MainWindow::Routes) static_cast<RoutesPage*>(window.page(page))->targetList()->setCurrentRow(1);
        save(&window, QString::fromLatin1(name));
    }

    {
        // The providers page after a connection test against a (fake) provider that refuses the key.
        ar::test::FakeUpstream fake;
        fake.setHandler([](const HttpRequest&) {
            auto r = ar::test::FakeResponse::json(
                401, R"({"error":{"message":"Incorrect API key provided: sk-proj-****abcd.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}})");
            r.steps.first().gated = true;  // answers once the "testing" picture is taken
            return r;
        });
        ProviderConfig p = gateway.config().providers[0];
        p.baseUrl = QUrl(fake.baseUrl());
        window.providers()->upsert(p);
        window.showPage(MainWindow::Providers);
        auto* providers = static_cast<ProvidersPage*>(window.page(MainWindow::Providers));
        providers->table()->selectRow(0);
        providers->testButton()->click();
        ASSERT_TRUE(waitUntil([&] { return fake.requestCount() == 1; }));
        save(&window, QStringLiteral("page_providers_testing"));
        fake.release();
        ASSERT_TRUE(waitUntil([&] { return !providers->testStatus()->running(); }, 10000));
        save(&window, QStringLiteral("page_providers_test_failed"));
        window.providers()->upsert(gateway.config().providers[0]);
    }

    {
        CreateKeyDialog dialog(&keys, gateway.baseUrl(), &window);
        dialog.show();
        dialog.nameEdit()->setText(QStringLiteral("laptop"));
        dialog.budgetEdit()->setText(QStringLiteral("five"));
        dialog.rpmEdit()->setText(QStringLiteral("0"));
        dialog.expiresCheck()->setChecked(true);
        dialog.expiryEdit()->setDate(QDate::currentDate().addDays(-3));
        save(&dialog, QStringLiteral("dialog_create_key_invalid"));
        dialog.nameEdit()->setText(QStringLiteral("aider"));
        dialog.modelsEdit()->setText(QStringLiteral("gpt-4o*, claude-sonnet-4-5"));
        dialog.budgetEdit()->setText(QStringLiteral("5"));
        dialog.periodCombo()->setCurrentIndex(0);
        dialog.rpmEdit()->setText(QStringLiteral("60"));
        dialog.tpmEdit()->setText(QStringLiteral("100000"));
        dialog.concurrentEdit()->setText(QStringLiteral("4"));
        dialog.expiryEdit()->setDate(QDate::currentDate().addDays(90));
        save(&dialog, QStringLiteral("dialog_create_key"));
        dialog.createButton()->click();
        save(&dialog, QStringLiteral("dialog_create_key_secret"));
    }
    {
        ar::test::FakeUpstream fake;
        fake.setHandler([](const HttpRequest&) {
            auto r = ar::test::FakeResponse::json(
                200, R"({"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"},{"id":"gpt-4o","object":"model","created":1715367049,"owned_by":"system"}]})");
            r.steps.first().gated = true;
            return r;
        });
        ConnectionChecker checker;
        ProviderDialog dialog({QStringLiteral("openai")}, nullptr, &window, &checker);
        dialog.show();
        save(&dialog, QStringLiteral("dialog_provider_add"));
        dialog.idEdit()->setText(QStringLiteral("openai"));
        dialog.idEdit()->textEdited(QStringLiteral("openai"));
        save(&dialog, QStringLiteral("dialog_provider_add_invalid"));
        dialog.idEdit()->setText(QStringLiteral("work-proxy"));
        dialog.baseUrlEdit()->setText(fake.baseUrl());
        dialog.testButton()->click();
        ASSERT_TRUE(waitUntil([&] { return fake.requestCount() == 1; }));
        save(&dialog, QStringLiteral("dialog_provider_testing"));
        fake.release();
        ASSERT_TRUE(waitUntil([&] { return !dialog.testStatus()->running(); }, 10000));
        save(&dialog, QStringLiteral("dialog_provider_test_ok"));
    }
    {
        ConnectionChecker checker;
        ProviderDialog dialog({}, &gateway.config().providers[1], &window, &checker);
        dialog.show();
        save(&dialog, QStringLiteral("dialog_provider_edit"));
    }
    auto* keysPage = static_cast<KeysPage*>(window.page(MainWindow::Keys));
    for (const char* action : {"confirmRevoke", "confirmRotate"}) {
        window.showPage(MainWindow::Keys);
        keysPage->table()->selectRow(0);
        QMetaObject::invokeMethod(keysPage, action);
        QApplication::processEvents();
        QMessageBox* box = nullptr;
        for (QMessageBox* b : window.findChildren<QMessageBox*>())
            if (b->isVisible()) box = b;
        ASSERT_NE(box, nullptr);
        save(box, QString::fromLatin1(action) == QLatin1String("confirmRevoke") ? QStringLiteral("dialog_revoke_key")
                                                                               : QStringLiteral("dialog_rotate_key"));
        if (QString::fromLatin1(action) == QLatin1String("confirmRevoke")) {
            box->reject();
            continue;
        }
        for (QAbstractButton* b : box->buttons())
            if (b->text() == QStringLiteral("Rotate")) b->click();
        QApplication::processEvents();
        CreateKeyDialog* rotated = nullptr;
        for (CreateKeyDialog* d : window.findChildren<CreateKeyDialog*>())
            if (d->isVisible()) rotated = d;
        ASSERT_NE(rotated, nullptr);
        save(rotated, QStringLiteral("dialog_rotated_key_secret"));
        rotated->accept();
    }
    {
        QMenu* menu = window.tray()->menu();
        menu->adjustSize();
        menu->show();
        save(menu, QStringLiteral("tray_menu"));
        menu->hide();
    }

    window.addWarnings({QStringLiteral("No usable keychain (The name org.freedesktop.secrets was not provided by any "
                                       ".service files): the admin API is off and provider credentials come from "
                                       "environment variables only.")});
    window.showPage(MainWindow::Overview);
    save(&window, QStringLiteral("page_overview_warning"));

    // The same window in a dark palette: every colour must come from the palette (or read on both).
    const QPalette light = QApplication::palette();
    QApplication::setPalette(darkPalette());
    QApplication::processEvents();
    for (auto [page, name] : {std::pair{MainWindow::Overview, "dark_page_overview"},
                              std::pair{MainWindow::Keys, "dark_page_keys"},
                              std::pair{MainWindow::Usage, "dark_page_usage"},
                              std::pair{MainWindow::Routes, "dark_page_routes"}}) {
        window.showPage(page);
        save(&window, QString::fromLatin1(name));
    }
    QApplication::setPalette(light);
    window.saveWindowState();
    gateway.stop();
}
