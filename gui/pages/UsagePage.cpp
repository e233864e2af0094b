#include "pages/UsagePage.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCursor>
#include <QDateEdit>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStackedBarSeries>
#include <QStackedWidget>
#include <QTableView>
#include <QToolTip>
#include <QValueAxis>
#include <QVBoxLayout>

#include "Icons.h"
#include "models/Format.h"
#include "models/UsageModel.h"
#include "widgets/Tables.h"

namespace ar::gui {

namespace {

QChart* makeChart(const QString& title) {
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignRight);
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(4, 4, 4, 4));
    return chart;
}

QString groupHeader(UsageGroupBy g) {
    switch (g) {
    case UsageGroupBy::Model: return QObject::tr("Model");
    case UsageGroupBy::Provider: return QObject::tr("Provider");
    case UsageGroupBy::Key: return QObject::tr("Key");
    case UsageGroupBy::None: break;
    }
    return QObject::tr("All");
}

}  // namespace

UsagePage::UsagePage(UsageModel* model, QWidget* parent) : QWidget(parent), m_model(model) {
    setAccessibleName(tr("Usage"));
    m_totalsModel = new UsageTotalsModel(this);

    m_range = new QComboBox(this);
    m_range->setAccessibleName(tr("Time range"));
    m_range->addItem(tr("Last 24 hours"), int(UsageRange::Last24Hours));
    m_range->addItem(tr("Last 7 days"), int(UsageRange::Last7Days));
    m_range->addItem(tr("Last 30 days"), int(UsageRange::Last30Days));
    m_range->addItem(tr("Custom range"), int(UsageRange::Custom));
    m_range->setCurrentIndex(m_range->findData(int(model->range())));
    m_group = new QComboBox(this);
    m_group->setAccessibleName(tr("Stack by"));
    m_group->addItem(tr("by model"), int(UsageGroupBy::Model));
    m_group->addItem(tr("by provider"), int(UsageGroupBy::Provider));
    m_group->addItem(tr("by key"), int(UsageGroupBy::Key));
    m_group->setCurrentIndex(m_group->findData(int(model->groupBy())));
    m_refresh = new QPushButton(tr("Refresh"), this);
    m_refresh->setShortcut(QKeySequence::Refresh);
    m_refresh->setToolTip(tr("Reload (F5)"));
    m_export = new QPushButton(icon(QStringLiteral("export")), tr("Export CSV…"), this);
    m_export->setToolTip(tr("Save every request in the range as CSV"));
    m_status = new QLabel(this);

    // Custom range: whole UTC days, like the other ranges' buckets.
    m_custom = new QWidget(this);
    const QDate today = QDateTime::currentDateTimeUtc().date();
    m_from = new QDateEdit(today.addDays(-13), m_custom);
    m_from->setAccessibleName(tr("First day of the range"));
    m_to = new QDateEdit(today, m_custom);
    m_to->setAccessibleName(tr("Last day of the range"));
    for (QDateEdit* e : {m_from, m_to}) {
        e->setCalendarPopup(true);
        e->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        e->setMaximumDate(today.addDays(1));
    }
    auto* fromLabel = new QLabel(tr("&From"), m_custom);
    fromLabel->setBuddy(m_from);
    auto* toLabel = new QLabel(tr("t&o"), m_custom);
    toLabel->setBuddy(m_to);
    m_rangeError = new QLabel(m_custom);
    m_rangeError->setStyleSheet(QStringLiteral("color: #d0453a;"));
    m_rangeError->setAccessibleName(tr("Date range problem"));
    auto* customLayout = new QHBoxLayout(m_custom);
    customLayout->setContentsMargins(0, 0, 0, 0);
    customLayout->addWidget(fromLabel);
    customLayout->addWidget(m_from);
    customLayout->addWidget(toLabel);
    customLayout->addWidget(m_to);
    customLayout->addWidget(m_rangeError);
    m_custom->setVisible(model->range() == UsageRange::Custom);

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_range);
    controls->addWidget(m_custom);
    controls->addWidget(m_group);
    controls->addWidget(m_refresh);
    controls->addStretch(1);
    controls->addWidget(m_status);
    controls->addWidget(m_export);

    m_tokensChart = makeChart(tr("Tokens"));
    m_costChart = makeChart(tr("Cost (USD)"));
    m_tokensView = new QChartView(m_tokensChart, this);
    m_tokensView->setRenderHint(QPainter::Antialiasing);
    m_tokensView->setAccessibleName(tr("Tokens over time"));
    m_costView = new QChartView(m_costChart, this);
    m_costView->setRenderHint(QPainter::Antialiasing);
    m_costView->setAccessibleName(tr("Cost over time"));
    m_totals = new QTableView(this);
    configureTable(m_totals, QStringLiteral("usageTotalsTable"), tr("Usage totals"));
    m_totals->setModel(m_totalsModel);
    m_totals->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);

    auto* charts = new QSplitter(Qt::Vertical, this);
    charts->addWidget(m_tokensView);
    charts->addWidget(m_costView);
    charts->addWidget(m_totals);
    charts->setObjectName(QStringLiteral("usageSplitter"));
    charts->setStretchFactor(0, 3);
    charts->setStretchFactor(1, 3);
    charts->setStretchFactor(2, 1);
    charts->setSizes({300, 260, 150});  // proportions: the charts get most of the height
    charts->setChildrenCollapsible(false);

    auto* unavailable = new QLabel(tr("Usage history is not available: the usage ledger is not running."), this);
    unavailable->setAlignment(Qt::AlignCenter);
    unavailable->setWordWrap(true);
    m_body = new QStackedWidget(this);
    m_body->addWidget(charts);
    m_body->addWidget(unavailable);
    m_body->setCurrentIndex(model->available() ? 0 : 1);
    for (QWidget* w : {static_cast<QWidget*>(m_range), static_cast<QWidget*>(m_group),
                       static_cast<QWidget*>(m_refresh), static_cast<QWidget*>(m_export)})
        w->setEnabled(model->available());

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_body, 1);

    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        const auto range = UsageRange(m_range->currentData().toInt());
        m_custom->setVisible(range == UsageRange::Custom);
        if (range == UsageRange::Custom) applyCustomRange();
        else m_model->setRange(range);
    });
    connect(m_from, &QDateEdit::dateChanged, this, &UsagePage::applyCustomRange);
    connect(m_to, &QDateEdit::dateChanged, this, &UsagePage::applyCustomRange);
    connect(m_group, &QComboBox::currentIndexChanged, this,
            [this] { m_model->setGroupBy(UsageGroupBy(m_group->currentData().toInt())); });
    connect(m_refresh, &QPushButton::clicked, model, &UsageModel::reload);
    connect(m_export, &QPushButton::clicked, this, &UsagePage::exportCsv);
    connect(model, &UsageModel::loaded, this, &UsagePage::rebuild);
    connect(model, &UsageModel::loadingChanged, this, [this](bool loading) {
        m_status->setText(loading ? tr("Loading…") : QString());
    });
    connect(model, &UsageModel::exported, this, [this](bool, const QString& message) { m_status->setText(message); });
    restyle();
}

void UsagePage::applyCustomRange() {
    if (UsageRange(m_range->currentData().toInt()) != UsageRange::Custom) return;
    const QDate first = m_from->date(), last = m_to->date();
    QString problem;
    if (first > last) problem = tr("The first day is after the last.");
    else if (first.daysTo(last) >= UsageWindow::kMaxCustomDays)
        problem = tr("Pick at most %1 days.").arg(UsageWindow::kMaxCustomDays);
    m_rangeError->setText(problem);
    m_rangeError->setVisible(!problem.isEmpty());
    if (problem.isEmpty()) m_model->setCustomRange(first, last);
}

void UsagePage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (!m_loadedOnce) {
        m_loadedOnce = true;
        m_model->reload();
    }
}

void UsagePage::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) restyle();
}

void UsagePage::rebuild() {
    m_loadedOnce = true;
    const UsageSeries& s = m_model->series();
    m_totalsModel->setSeries(s, groupHeader(m_model->groupBy()));
    {
        // The model may have been switched by code (or restored): keep the combos in step.
        const QSignalBlocker blockRange(m_range);
        const QSignalBlocker blockGroup(m_group);
        m_range->setCurrentIndex(m_range->findData(int(m_model->range())));
        m_group->setCurrentIndex(m_group->findData(int(m_model->groupBy())));
        m_custom->setVisible(m_model->range() == UsageRange::Custom);
    }

    struct Target {
        QChart* chart;
        const QHash<QString, QList<double>>* values;
        bool money;
    };
    for (const Target& t : {Target{m_tokensChart, &s.tokens, false}, Target{m_costChart, &s.cost, true}}) {
        QChart* chart = t.chart;
        chart->removeAllSeries();
        for (QAbstractAxis* axis : chart->axes()) {
            chart->removeAxis(axis);
            delete axis;
        }
        auto* series = new QStackedBarSeries;
        double maxStack = 0;
        QList<double> stacks(s.categories.size(), 0.0);
        for (const QString& group : s.groups) {
            auto* set = new QBarSet(group);
            const QList<double> values = t.values->value(group);
            for (int i = 0; i < values.size(); ++i) stacks[i] += values[i];
            set->append(values);
            const bool money = t.money;
            connect(set, &QBarSet::hovered, this, [this, group, money](bool on, int index) {
                if (!on) {
                    QToolTip::hideText();
                    return;
                }
                const UsageSeries& cur = m_model->series();
                const double v = (money ? cur.cost : cur.tokens).value(group).value(index);
                const QString value = money ? formatCost(qint64(v * 1e6)) : formatCount(qint64(v));
                QToolTip::showText(QCursor::pos(),
                                   QStringLiteral("%1 · %2: %3").arg(group, cur.categories.value(index), value));
            });
            series->append(set);
        }
        for (double v : stacks) maxStack = qMax(maxStack, v);
        chart->addSeries(series);
        auto* x = new QBarCategoryAxis;
        x->append(s.categories);
        x->setTitleText(s.axisTitle);
        auto* y = new QValueAxis;
        y->setRange(0, maxStack > 0 ? maxStack * 1.05 : (t.money ? 1.0 : 100.0));
        y->applyNiceNumbers();
        y->setLabelFormat(t.money ? QStringLiteral("$%.2f") : QStringLiteral("%.0f"));
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        series->attachAxis(x);
        series->attachAxis(y);
        chart->legend()->setVisible(!s.groups.isEmpty());
    }
    m_status->setText(s.groups.isEmpty() ? tr("No requests in this range.") : QString());
    restyle();
}

void UsagePage::restyle() {
    // Charts default to a fixed light theme: take the colours from the palette instead.
    const QPalette pal = palette();
    for (QChart* chart : {m_tokensChart, m_costChart}) {
        chart->setBackgroundBrush(pal.base());
        chart->setTitleBrush(pal.text());
        chart->legend()->setLabelColor(pal.color(QPalette::Text));
        for (QAbstractAxis* axis : chart->axes()) {
            axis->setLabelsBrush(pal.text());
            axis->setTitleBrush(pal.placeholderText());
            axis->setLinePenColor(pal.color(QPalette::Mid));
            axis->setGridLineColor(pal.color(QPalette::Midlight));
        }
    }
}

void UsagePage::exportCsv() {
    auto* dialog = new QFileDialog(this, tr("Export usage as CSV"),
                                   QDir::home().filePath(QStringLiteral("agentrouter-usage.csv")),
                                   tr("CSV files (*.csv)"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("csv"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, m_model, &UsageModel::exportCsv);
    dialog->open();  // no nested event loop
}

}  // namespace ar::gui
