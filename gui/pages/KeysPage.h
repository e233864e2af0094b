#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace ar::gui {

class GatewayController;
class KeyListModel;

// Gateway keys with spend against budget: create and rotate (the dialog shows the secret
// once), revoke; both with confirmation. "Copy key" copies a key whose plaintext was kept in
// the keychain when it was created.
class KeysPage : public QWidget {
    Q_OBJECT
public:
    KeysPage(KeyListModel* model, GatewayController* controller, QWidget* parent = nullptr);

    QTableView* table() const { return m_table; }
    QLabel* status() const { return m_status; }

public Q_SLOTS:
    void openCreateDialog();
    void confirmRevoke();
    void confirmRotate();
    void copySelectedKey();

Q_SIGNALS:
    void keyRotated(const QString& keyId);

private:
    void updateButtons();

    KeyListModel* m_model;
    GatewayController* m_controller;
    QTableView* m_table;
    QPushButton* m_create;
    QPushButton* m_revoke;
    QPushButton* m_rotate;
    QPushButton* m_copy;
    QLabel* m_status;  // the outcome of the last copy
};

}  // namespace ar::gui
