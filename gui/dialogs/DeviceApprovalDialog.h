#pragma once

#include <QDialog>

class QLabel;
class QPushButton;

namespace ar {
class DeviceFlow;
}

namespace ar::gui {

// "tare wants access — Approve / Deny": asked when a program signs in to the admin API with the
// device flow. Shows the code to compare with the one in the terminal. Closes by itself when
// the code is decided elsewhere (`agentrouter approve`, the admin API) or expires.
class DeviceApprovalDialog : public QDialog {
    Q_OBJECT
public:
    DeviceApprovalDialog(DeviceFlow* flow, const QString& userCode, const QString& clientId,
                         const QString& scope, QWidget* parent = nullptr);

    // One non-modal dialog per request, deleted when closed; raised above the window.
    static DeviceApprovalDialog* ask(DeviceFlow* flow, const QString& userCode,
                                     const QString& clientId, const QString& scope,
                                     QWidget* parent);

    const QString& userCode() const { return m_userCode; }
    QPushButton* approveButton() const { return m_approve; }
    QPushButton* denyButton() const { return m_deny; }
    QLabel* problem() const { return m_problem; }

private:
    void decide(bool approve);

    DeviceFlow* m_flow;
    QString m_userCode;
    QPushButton* m_approve;
    QPushButton* m_deny;
    QLabel* m_problem;
};

}  // namespace ar::gui
