#pragma once

#include <QWidget>

#include "providers/ProviderConfig.h"

class QPushButton;
class QTableView;

namespace ar::gui {

class ProviderListModel;

// Configured providers: add / edit (preset dialog) / delete with confirmation. Saving goes out
// through `saveRequested` / `deleteRequested` (config + keychain are owned elsewhere); the
// list updates at once.
class ProvidersPage : public QWidget {
    Q_OBJECT
public:
    explicit ProvidersPage(ProviderListModel* model, QWidget* parent = nullptr);

    QTableView* table() const { return m_table; }

public Q_SLOTS:
    void openAddDialog();
    void openEditDialog();
    void confirmDelete();

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
};

}  // namespace ar::gui
