#include "pages/RoutesPage.h"

#include <QAbstractItemModel>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include "Icons.h"
#include "models/RouteEditor.h"

namespace ar::gui {

namespace {
constexpr int kOriginalIndexRole = Qt::UserRole + 1;
}

RoutesPage::RoutesPage(RouteEditor* editor, QWidget* parent) : QWidget(parent), m_editor(editor) {
    setAccessibleName(tr("Routes"));
    auto* intro = new QLabel(tr("Each public model name is served by its first target; the next one is tried "
                                "when a target cannot be reached, times out, or answers 429 or 5xx before "
                                "anything was sent to the client. <code>provider/model</code> reaches any "
                                "configured provider without a route."),
                             this);
    intro->setWordWrap(true);

    m_routeList = new QListWidget(this);
    m_routeList->setAccessibleName(tr("Public model names"));
    m_routeList->setObjectName(QStringLiteral("routeList"));
    m_routeList->setSpacing(2);

    auto* targetsBox = new QWidget(this);
    m_targetsTitle = new QLabel(targetsBox);
    m_targets = new QListWidget(targetsBox);
    m_targets->setAccessibleName(tr("Targets in the order they are tried"));
    m_targets->setDragDropMode(QAbstractItemView::InternalMove);
    m_targets->setDefaultDropAction(Qt::MoveAction);
    m_targets->setSelectionMode(QAbstractItemView::SingleSelection);
    m_targets->setAlternatingRowColors(true);
    m_targets->setSpacing(2);
    m_up = new QPushButton(icon(QStringLiteral("up")), tr("Move up"), targetsBox);
    m_up->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Up));
    m_up->setToolTip(tr("Try the selected target earlier (Alt+Up)"));
    m_up->setAccessibleName(tr("Move the selected target up"));
    m_down = new QPushButton(icon(QStringLiteral("down")), tr("Move down"), targetsBox);
    m_down->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Down));
    m_down->setToolTip(tr("Try the selected target later (Alt+Down)"));
    m_down->setAccessibleName(tr("Move the selected target down"));
    auto* hint = new QLabel(tr("Drag a target, or use the buttons, to change the order."), targetsBox);
    hint->setForegroundRole(QPalette::PlaceholderText);
    hint->setWordWrap(true);
    auto* moveButtons = new QHBoxLayout;
    moveButtons->addWidget(m_up);
    moveButtons->addWidget(m_down);
    moveButtons->addStretch(1);
    auto* targetsLayout = new QVBoxLayout(targetsBox);
    targetsLayout->setContentsMargins(0, 0, 0, 0);
    targetsLayout->addWidget(m_targetsTitle);
    targetsLayout->addWidget(m_targets, 1);
    targetsLayout->addLayout(moveButtons);
    targetsLayout->addWidget(hint);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->setObjectName(QStringLiteral("routesSplitter"));
    split->addWidget(m_routeList);
    split->addWidget(targetsBox);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);

    auto* failoverBox = new QGroupBox(tr("Failover"), this);
    m_rounds = new QSpinBox(failoverBox);
    m_rounds->setRange(1, 10);
    m_rounds->setAccessibleName(tr("Rounds over all targets"));
    m_rounds->setToolTip(tr("1: no retry after the last target; each further round waits with a backoff."));
    m_threshold = new QSpinBox(failoverBox);
    m_threshold->setRange(1, 1000);
    m_threshold->setSuffix(tr(" failures in a row"));
    m_threshold->setAccessibleName(tr("Failures before a provider counts as down"));
    m_cooldown = new QSpinBox(failoverBox);
    m_cooldown->setRange(0, 3600);
    m_cooldown->setSuffix(tr(" s"));
    m_cooldown->setAccessibleName(tr("Seconds a down provider is tried last"));
    for (QSpinBox* spin : {m_rounds, m_threshold, m_cooldown})
        spin->setMinimumWidth(spin->fontMetrics().averageCharWidth() * 24);
    auto* failoverForm = new QFormLayout(failoverBox);
    failoverForm->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    failoverForm->addRow(tr("Rounds over all &targets:"), m_rounds);
    failoverForm->addRow(tr("Provider is &down after:"), m_threshold);
    failoverForm->addRow(tr("Then try it &last for:"), m_cooldown);
    for (int row = 0; row < failoverForm->rowCount(); ++row)
        if (auto* l = qobject_cast<QLabel*>(failoverForm->itemAt(row, QFormLayout::LabelRole)->widget()))
            l->setBuddy(failoverForm->itemAt(row, QFormLayout::FieldRole)->widget());

    m_save = new QPushButton(tr("Save"), this);
    m_save->setShortcut(QKeySequence::Save);
    m_save->setToolTip(tr("Write the routes and failover settings to the config file (Ctrl+S)"));
    m_revert = new QPushButton(tr("Revert"), this);
    m_revert->setAccessibleName(tr("Discard unsaved route changes"));
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    auto* saveRow = new QHBoxLayout;
    saveRow->addWidget(m_status, 1);
    saveRow->addWidget(m_revert);
    saveRow->addWidget(m_save);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(split, 1);
    layout->addWidget(failoverBox);
    layout->addLayout(saveRow);

    connect(m_routeList, &QListWidget::currentRowChanged, this, &RoutesPage::rebuildTargets);
    connect(m_targets, &QListWidget::currentRowChanged, this, &RoutesPage::updateButtons);
    // A drop moves the list's rows; the new order goes to the editor once the drop is over.
    // Depending on the Qt version a drop moves the rows, re-lays them out, or inserts a copy and
    // removes the original; each item carries its original index, so any of them can be read back.
    auto syncLater = [this] { QMetaObject::invokeMethod(this, &RoutesPage::syncDroppedOrder, Qt::QueuedConnection); };
    connect(m_targets->model(), &QAbstractItemModel::rowsMoved, this, syncLater);
    connect(m_targets->model(), &QAbstractItemModel::layoutChanged, this, syncLater);
    connect(m_targets->model(), &QAbstractItemModel::rowsRemoved, this, syncLater);
    connect(m_up, &QPushButton::clicked, this, [this] { moveSelected(-1); });
    connect(m_down, &QPushButton::clicked, this, [this] { moveSelected(+1); });
    for (QSpinBox* spin : {m_rounds, m_threshold, m_cooldown})
        connect(spin, &QSpinBox::valueChanged, this, [this] {
            if (m_loading) return;
            m_editor->setFailover({m_rounds->value(), m_threshold->value(), m_cooldown->value() * 1000});
        });
    connect(m_save, &QPushButton::clicked, m_editor, &RouteEditor::save);
    connect(m_revert, &QPushButton::clicked, m_editor, &RouteEditor::revert);
    connect(m_editor, &RouteEditor::changed, this, [this] {
        rebuildRoutes();  // also the failover values, after a revert
        updateButtons();
    });
    rebuildRoutes();
}

void RoutesPage::rebuildRoutes() {
    const int current = qMax(0, m_routeList->currentRow());
    m_routeList->clear();
    for (const Route& r : m_editor->routes()) m_routeList->addItem(r.model);
    m_loading = true;
    m_rounds->setValue(m_editor->failover().maxRounds);
    m_threshold->setValue(m_editor->failover().healthFailureThreshold);
    m_cooldown->setValue(m_editor->failover().healthCooldownMs / 1000);
    m_loading = false;
    if (m_routeList->count() > 0) m_routeList->setCurrentRow(qMin(current, m_routeList->count() - 1));
    rebuildTargets();
}

void RoutesPage::rebuildTargets() {
    const int route = m_routeList->currentRow();
    const int selected = m_targets->currentRow();
    m_targets->clear();
    if (route < 0 || route >= m_editor->routes().size()) {
        m_targetsTitle->setText(m_editor->routes().isEmpty()
                                    ? tr("No routes yet: models are reached as <code>provider/model</code>.")
                                    : tr("Select a model."));
        updateButtons();
        return;
    }
    const Route& r = m_editor->routes()[route];
    m_targetsTitle->setText(tr("<b>%1</b> is served by, in order:").arg(r.model.toHtmlEscaped()));
    for (int i = 0; i < r.targets.size(); ++i) {
        const RouteTarget& t = r.targets[i];
        QString text = tr("%1. %2 → %3").arg(i + 1).arg(t.providerId, t.upstreamModel.isEmpty() ? r.model : t.upstreamModel);
        if (t.weight > 0) text += tr("  (weight %1)").arg(t.weight);
        auto* item = new QListWidgetItem(text, m_targets);
        item->setData(kOriginalIndexRole, i);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
    }
    if (selected >= 0 && selected < m_targets->count()) m_targets->setCurrentRow(selected);
    updateButtons();
}

void RoutesPage::syncDroppedOrder() {
    QList<int> order;
    for (int i = 0; i < m_targets->count(); ++i) order << m_targets->item(i)->data(kOriginalIndexRole).toInt();
    const int moved = m_targets->currentRow();
    m_editor->reorderTargets(m_routeList->currentRow(), order);
    m_targets->setCurrentRow(moved);
}

void RoutesPage::moveSelected(int delta) {
    const int from = m_targets->currentRow();
    if (m_editor->moveTarget(m_routeList->currentRow(), from, from + delta)) m_targets->setCurrentRow(from + delta);
}

void RoutesPage::updateButtons() {
    const int row = m_targets->currentRow();
    m_up->setEnabled(row > 0);
    m_down->setEnabled(row >= 0 && row < m_targets->count() - 1);
    m_save->setEnabled(m_editor->modified());
    m_revert->setEnabled(m_editor->modified());
}

void RoutesPage::showSaveResult(bool ok, const QString& message) {
    m_status->setStyleSheet(ok ? QString() : QStringLiteral("color: #d0453a;"));
    m_status->setText(message);
    updateButtons();
}

}  // namespace ar::gui
