// "tare wants access — Approve / Deny": the window's answer to a device-flow sign-in.
#include "dialogs/DeviceApprovalDialog.h"

#include <gtest/gtest.h>

#include <QLabel>
#include <QPointer>
#include <QPushButton>

#include "oauth/DeviceFlow.h"
#include "support/GuiTestSupport.h"

using namespace ar;
using namespace ar::gui;

namespace {

QString pollOnce(DeviceFlow& flow, const QByteArray& deviceCode) {
    auto r = flow.exchange(deviceCode, QStringLiteral("tare"));
    return r ? QStringLiteral("token") : r.error().code;
}

QStringList labels(const QWidget& w) {
    QStringList out;
    for (const QLabel* l : w.findChildren<QLabel*>()) out << l->text();
    return out;
}

}  // namespace

TEST(DeviceApprovalDialog, ApproveGrantsTheWaitingClient) {
    DeviceFlow flow;
    auto started = flow.start(QStringLiteral("tare"), QStringLiteral("admin"));
    ASSERT_TRUE(started.ok());
    QPointer<DeviceApprovalDialog> dialog = DeviceApprovalDialog::ask(
        &flow, started->userCode, QStringLiteral("tare"), QStringLiteral("admin"), nullptr);
    EXPECT_TRUE(dialog->isVisible());
    EXPECT_TRUE(labels(*dialog).contains(started->userCode)) << "the code to compare";
    EXPECT_TRUE(labels(*dialog).join(' ').contains(QStringLiteral("tare wants access")));
    EXPECT_TRUE(dialog->denyButton()->isDefault()) << "Enter must not grant access";
    dialog->approveButton()->click();
    EXPECT_TRUE(gui::test::waitUntil([&] { return dialog.isNull(); })) << "closes and is deleted";
    EXPECT_EQ(pollOnce(flow, started->deviceCode), QStringLiteral("token"));
}

TEST(DeviceApprovalDialog, DenyRefusesTheClient) {
    DeviceFlow flow;
    auto started = flow.start(QStringLiteral("tare"), QStringLiteral("admin"));
    ASSERT_TRUE(started.ok());
    DeviceApprovalDialog dialog(&flow, started->userCode, QStringLiteral("tare"),
                                QStringLiteral("admin"));
    dialog.show();
    dialog.denyButton()->click();
    EXPECT_FALSE(dialog.isVisible());
    EXPECT_EQ(pollOnce(flow, started->deviceCode), QStringLiteral("access_denied"));
}

TEST(DeviceApprovalDialog, ClosesWhenDecidedElsewhereAndExplainsAnExpiredCode) {
    DeviceFlow flow;
    auto first = flow.start(QStringLiteral("tare"), QStringLiteral("admin"));
    auto second = flow.start(QStringLiteral("tare"), QStringLiteral("admin"));
    ASSERT_TRUE(first.ok() && second.ok());
    DeviceApprovalDialog a(&flow, first->userCode, QStringLiteral("tare"), QStringLiteral("admin"));
    DeviceApprovalDialog b(&flow, second->userCode, QStringLiteral("tare"),
                           QStringLiteral("admin"));
    a.show();
    b.show();
    ASSERT_TRUE(flow.approve(first->userCode).ok());  // `agentrouter approve`, say
    EXPECT_FALSE(a.isVisible());
    EXPECT_TRUE(b.isVisible()) << "only the dialog of that code closes";

    QDateTime later = QDateTime::currentDateTimeUtc().addSecs(601);  // 10 minutes on
    flow.setClock([&] { return later; });
    b.approveButton()->click();
    EXPECT_TRUE(b.isVisible());
    EXPECT_TRUE(b.problem()->text().contains(QStringLiteral("expired")))
        << qPrintable(b.problem()->text());
    EXPECT_FALSE(b.approveButton()->isEnabled());
}
