#include <QApplication>
#include <QChart>
#include <QComboBox>
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
#include "pages/LiveLogPage.h"
#include "pages/UsagePage.h"
#include "support/GuiTestSupport.h"

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
    QApplication::processEvents();
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

}  // namespace

TEST(Screenshots, EveryPageAndDialog) {
    QTemporaryDir data;
    Gateway gateway(sampleConfig(), data.path());
    ASSERT_TRUE(gateway.start().ok());
    for (const char* name : {"laptop", "cursor", "ci"}) ASSERT_TRUE(gateway.keys()->create(QString::fromLatin1(name)).ok());
    for (const KeyRecord& k : gateway.keys()->list())
        if (k.name == QLatin1String("ci")) {
            ASSERT_TRUE(gateway.keys()->revoke(k.id).ok());
        }

    FakeUsageQueries usage;
    fillUsage(usage);
    MainWindow window(&gateway, &usage);
    window.resize(1180, 760);
    window.show();
    publishSampleTraffic(gateway.events());
    QApplication::processEvents();
    window.liveLog()->flush();

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

    for (auto [page, name] : {std::pair{MainWindow::Keys, "page_keys"}, std::pair{MainWindow::Providers, "page_providers"},
                              std::pair{MainWindow::Routes, "page_routes"}, std::pair{MainWindow::Settings, "page_settings"}}) {
        window.showPage(page);
        save(&window, QString::fromLatin1(name));
    }

    {
        CreateKeyDialog dialog(gateway.keys(), gateway.baseUrl(), &window);
        dialog.show();
        dialog.nameEdit()->setText(QStringLiteral("laptop"));
        save(&dialog, QStringLiteral("dialog_create_key_invalid"));
        dialog.nameEdit()->setText(QStringLiteral("aider"));
        save(&dialog, QStringLiteral("dialog_create_key"));
        dialog.createButton()->click();
        save(&dialog, QStringLiteral("dialog_create_key_secret"));
    }
    {
        ProviderDialog dialog({QStringLiteral("openai")}, nullptr, &window);
        dialog.show();
        save(&dialog, QStringLiteral("dialog_provider_add"));
        dialog.idEdit()->setText(QStringLiteral("openai"));
        dialog.idEdit()->textEdited(QStringLiteral("openai"));
        save(&dialog, QStringLiteral("dialog_provider_add_invalid"));
    }
    {
        ProviderDialog dialog({}, &gateway.config().providers[1], &window);
        dialog.show();
        save(&dialog, QStringLiteral("dialog_provider_edit"));
    }
    {
        window.showPage(MainWindow::Keys);
        auto* table = window.page(MainWindow::Keys)->findChild<QTableView*>();
        table->selectRow(0);
        window.page(MainWindow::Keys)->metaObject()->invokeMethod(window.page(MainWindow::Keys), "confirmRevoke");
        QApplication::processEvents();
        auto* box = window.findChild<QMessageBox*>();
        ASSERT_NE(box, nullptr);
        save(box, QStringLiteral("dialog_revoke_key"));
        box->reject();
    }
    {
        QMenu* menu = window.tray()->menu();
        menu->adjustSize();
        menu->show();
        save(menu, QStringLiteral("tray_menu"));
        menu->hide();
    }
    window.saveWindowState();
    gateway.stop();
}
