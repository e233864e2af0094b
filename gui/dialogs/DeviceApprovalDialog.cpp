#include "dialogs/DeviceApprovalDialog.h"

#include <QDialogButtonBox>
#include <QFont>
#include <QFontDatabase>
#include <QLabel>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

#include "oauth/DeviceFlow.h"

namespace ar::gui {

DeviceApprovalDialog::DeviceApprovalDialog(DeviceFlow* flow, const QString& userCode,
                                           const QString& clientId, const QString& scope,
                                           QWidget* parent)
    : QDialog(parent), m_flow(flow), m_userCode(userCode) {
    setWindowTitle(tr("Sign-in request"));
    setAccessibleName(tr("Sign-in request"));
    auto* intro = new QLabel(
        tr("<b>%1 wants access</b> to this gateway's admin API (keys, usage, providers; scope: "
           "%2).<br>Approve only if your terminal shows this same code:")
            .arg(clientId.toHtmlEscaped(), scope.toHtmlEscaped()),
        this);
    intro->setWordWrap(true);
    auto* code = new QLabel(userCode, this);
    code->setAccessibleName(tr("Code"));
    QFont big = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    big.setPointSizeF(big.pointSizeF() * 2);
    big.setBold(true);
    code->setFont(big);
    code->setAlignment(Qt::AlignCenter);
    code->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problem = new QLabel(this);
    m_problem->setStyleSheet(QStringLiteral("color: #d0453a;"));
    m_problem->setWordWrap(true);
    m_problem->hide();
    auto* buttons = new QDialogButtonBox(this);
    m_approve = buttons->addButton(tr("&Approve"), QDialogButtonBox::AcceptRole);
    m_deny = buttons->addButton(tr("&Deny"), QDialogButtonBox::RejectRole);
    m_deny->setDefault(true);  // Enter must not grant access by accident
    connect(m_approve, &QPushButton::clicked, this, [this] { decide(true); });
    connect(m_deny, &QPushButton::clicked, this, [this] { decide(false); });

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(code);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);

    // Decided elsewhere: nothing left to ask.
    connect(flow, &DeviceFlow::authorizationDecided, this, [this](const QString& decided, bool) {
        if (decided == m_userCode) reject();
    });
    // Expired: the request cannot be approved any more.
    QTimer::singleShot(qMax(1, flow->settings().codeLifetimeSecs) * 1000, this,
                       &DeviceApprovalDialog::reject);
}

DeviceApprovalDialog* DeviceApprovalDialog::ask(DeviceFlow* flow, const QString& userCode,
                                                const QString& clientId, const QString& scope,
                                                QWidget* parent) {
    auto* dialog = new DeviceApprovalDialog(flow, userCode, clientId, scope, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    dialog->raise();
    dialog->activateWindow();
    return dialog;
}

void DeviceApprovalDialog::decide(bool approve) {
    auto r = approve ? m_flow->approve(m_userCode) : m_flow->deny(m_userCode);
    if (!r && r.error().code != QLatin1String("user_code_already_decided")) {
        m_problem->setText(r.error().message);
        m_problem->show();
        m_approve->setEnabled(false);
        return;
    }
    approve ? accept() : reject();
}

}  // namespace ar::gui
