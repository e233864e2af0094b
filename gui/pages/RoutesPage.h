#pragma once

#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace ar::gui {

class RouteEditor;

// Routes: public model -> ordered provider targets, reordered by drag and drop or with the
// Move up / Move down buttons (Alt+Up / Alt+Down), and the failover settings. Saving goes
// through RouteEditor::saveRequested.
class RoutesPage : public QWidget {
    Q_OBJECT
public:
    explicit RoutesPage(RouteEditor* editor, QWidget* parent = nullptr);

    QListWidget* routeList() const { return m_routeList; }
    QListWidget* targetList() const { return m_targets; }
    QPushButton* upButton() const { return m_up; }
    QPushButton* downButton() const { return m_down; }
    QPushButton* saveButton() const { return m_save; }
    QSpinBox* roundsSpin() const { return m_rounds; }
    QSpinBox* thresholdSpin() const { return m_threshold; }
    QSpinBox* cooldownSpin() const { return m_cooldown; }
    QLabel* statusLabel() const { return m_status; }

public Q_SLOTS:
    void moveSelected(int delta);
    void showSaveResult(bool ok, const QString& message);

private:
    void rebuildRoutes();
    void rebuildTargets();
    void syncDroppedOrder();
    void updateButtons();

    RouteEditor* m_editor;
    QListWidget* m_routeList;
    QListWidget* m_targets;
    QLabel* m_targetsTitle;
    QPushButton* m_up;
    QPushButton* m_down;
    QSpinBox* m_rounds;
    QSpinBox* m_threshold;
    QSpinBox* m_cooldown;
    QPushButton* m_save;
    QPushButton* m_revert;
    QLabel* m_status;
    bool m_loading = false;
};

}  // namespace ar::gui
