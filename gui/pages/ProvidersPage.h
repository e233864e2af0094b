#pragma once

#include <QWidget>

#include "providers/ProviderConfig.h"

class QPushButton;
class QTableView;

namespace ar {
class ConnectionChecker;
}

namespace ar::gui {

class ConnectionTestStatus;
class ProviderListModel;

// Configured providers with health: add / edit (preset dialog) / delete with confirmation /
// test the connection. Saving goes out through `saveRequested` / `deleteRequested` (the owner
// writes the config and the keychain, then updates the list).
class ProvidersPage : public QWidget {
    Q_OBJECT
public:
    // `checker` may be null (no connection tests).
    explicit ProvidersPage(ProviderListModel* model, QWidget* parent = nullptr, ConnectionChecker* checker = nullptr);

    QTableView* table() const { return m_table; }
    QPushButton* testButton() const { return m_test; }
    ConnectionTestStatus* testStatus() const { return m_testStatus; }

public Q_SLOTS:
    void openAddDialog();
    void openEditDialog();
    void confirmDelete();
    void testSelected();

Q_SIGNALS:
    void saveRequested(const ar::ProviderConfig& provider, const QString& apiKey);
    void deleteRequested(const QString& providerId);

private:
    void onSave(const ProviderConfig& provider, const QString& apiKey);
    void updateButtons();

    ProviderListModel* m_model;
    QTableView* m_table;
    QPushButton* m_add;
    QPushButton* m_edit;
    QPushButton* m_delete;
    QPushButton* m_test;
    ConnectionTestStatus* m_testStatus;
    ConnectionChecker* m_checker;
};

}  // namespace ar::gui
