#include "pages/LiveLogPage.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "Icons.h"
#include "models/GatewayController.h"
#include "models/LiveLogFilterModel.h"
#include "models/LiveLogModel.h"
#include "models/Snippets.h"
#include "widgets/Tables.h"

namespace ar::gui {

namespace {

QLineEdit* filterEdit(const QString& placeholder, QWidget* parent) {
    auto* e = new QLineEdit(parent);
    e->setPlaceholderText(placeholder);
    e->setAccessibleName(placeholder);
    e->setClearButtonEnabled(true);
    return e;
}

QPlainTextEdit* detailEdit(const QString& name, QWidget* parent) {
    auto* e = new QPlainTextEdit(parent);
    e->setReadOnly(true);
    e->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    e->setAccessibleName(name);
    e->setPlaceholderText(name);
    return e;
}

QString prettyJson(const QByteArray& body) {
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    return doc.isNull() ? QString::fromUtf8(body) : QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
}

}  // namespace

LiveLogPage::LiveLogPage(LiveLogModel* model, GatewayController* controller, QWidget* parent)
    : QWidget(parent), m_model(model), m_controller(controller) {
    setAccessibleName(tr("Live log"));
    m_filter = new LiveLogFilterModel(this);
    m_filter->setSourceModel(model);

    m_modelFilter = filterEdit(tr("Filter model"), this);
    m_keyFilter = filterEdit(tr("Filter key"), this);
    m_providerFilter = filterEdit(tr("Filter provider"), this);
    m_statusFilter = new QComboBox(this);
    m_statusFilter->setAccessibleName(tr("Filter status"));
    m_statusFilter->addItem(tr("All statuses"), int(LiveLogFilterModel::StatusFilter::All));
    m_statusFilter->addItem(tr("In flight"), int(LiveLogFilterModel::StatusFilter::Running));
    m_statusFilter->addItem(tr("Succeeded"), int(LiveLogFilterModel::StatusFilter::Ok));
    m_statusFilter->addItem(tr("Failed"), int(LiveLogFilterModel::StatusFilter::Errors));
    m_pause = new QPushButton(icon(QStringLiteral("pause")), tr("Pause"), this);
    m_pause->setCheckable(true);
    m_pause->setToolTip(tr("Pause or resume the log (Ctrl+P)"));
    m_pause->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    m_clear = new QPushButton(icon(QStringLiteral("clear")), tr("Clear"), this);
    m_clear->setToolTip(tr("Clear the log (Ctrl+L); the usage ledger keeps every request"));
    m_clear->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_count = new QLabel(this);

    auto* filters = new QHBoxLayout;
    filters->addWidget(m_modelFilter, 2);
    filters->addWidget(m_keyFilter, 2);
    filters->addWidget(m_providerFilter, 2);
    filters->addWidget(m_statusFilter, 1);
    filters->addSpacing(12);
    filters->addWidget(m_pause);
    filters->addWidget(m_clear);

    m_table = new QTableView(this);
    configureTable(m_table, QStringLiteral("liveLogTable"), tr("Requests"));
    m_table->setModel(m_filter);
    const int charW = m_table->fontMetrics().averageCharWidth();
    const int widths[] = {9, 14, 18, 11, 28, 14, 9, 9, 9};
    for (int c = 0; c < LiveLogModel::ColumnCount; ++c)
        m_table->setColumnWidth(c, widths[c] * charW + 16);

    m_detailTitle = new QLabel(tr("Select a request to see it here."), this);
    m_detailTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_copyCurl = new QPushButton(icon(QStringLiteral("copy")), tr("Copy as curl"), this);
    m_copyCurl->setToolTip(tr("Copy this request as a curl command; the key is read from $AGENTROUTER_API_KEY"));
    m_copyCurl->setEnabled(false);
    m_request = detailEdit(tr("Request body"), this);
    m_response = detailEdit(tr("Response"), this);
    auto* bodies = new QSplitter(Qt::Horizontal, this);
    bodies->setObjectName(QStringLiteral("liveLogBodies"));
    for (QPlainTextEdit* pane : {m_request, m_response}) {
        auto* box = new QWidget(bodies);
        auto* boxLayout = new QVBoxLayout(box);
        boxLayout->setContentsMargins(0, 0, 0, 0);
        boxLayout->setSpacing(2);
        auto* caption = new QLabel(pane->accessibleName(), box);
        caption->setForegroundRole(QPalette::PlaceholderText);
        caption->setBuddy(pane);
        boxLayout->addWidget(caption);
        boxLayout->addWidget(pane, 1);
        bodies->addWidget(box);
    }
    bodies->setChildrenCollapsible(false);
    auto* detail = new QWidget(this);
    auto* detailHeader = new QHBoxLayout;
    detailHeader->addWidget(m_detailTitle, 1);
    detailHeader->addWidget(m_copyCurl);
    auto* detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addLayout(detailHeader);
    detailLayout->addWidget(bodies, 1);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("liveLogSplitter"));
    split->addWidget(m_table);
    split->addWidget(detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(split, 1);
    layout->addWidget(m_count);

    connect(m_modelFilter, &QLineEdit::textChanged, m_filter, &LiveLogFilterModel::setModelFilter);
    connect(m_keyFilter, &QLineEdit::textChanged, m_filter, &LiveLogFilterModel::setKeyFilter);
    connect(m_providerFilter, &QLineEdit::textChanged, m_filter, &LiveLogFilterModel::setProviderFilter);
    connect(m_statusFilter, &QComboBox::currentIndexChanged, this, [this] {
        m_filter->setStatusFilter(LiveLogFilterModel::StatusFilter(m_statusFilter->currentData().toInt()));
    });
    connect(m_pause, &QPushButton::toggled, this, [this](bool paused) {
        m_model->setPaused(paused);
        m_pause->setText(paused ? tr("Resume") : tr("Pause"));
        refreshCount();
    });
    connect(m_clear, &QPushButton::clicked, m_model, &LiveLogModel::clear);
    connect(m_copyCurl, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(selectedAsCurl());
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        m_response->clear();
        refreshDetail();
    });
    // Follow new rows only while the user is looking at the newest ones.
    connect(m_table->verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int v) {
        m_followTail = v >= m_table->verticalScrollBar()->maximum();
    });
    connect(model, &LiveLogModel::batchApplied, this, [this] {
        refreshDetail();
        refreshCount();
        if (m_followTail) m_table->scrollToBottom();
    });
    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        refreshDetail();
        refreshCount();
    });
    auto* focusFilter = new QShortcut(QKeySequence::Find, this);
    connect(focusFilter, &QShortcut::activated, this, [this] { m_modelFilter->setFocus(); });
    refreshCount();
}

quint64 LiveLogPage::selectedRequestId() const {
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    return current.isValid() ? current.data(LiveLogModel::RequestIdRole).value<quint64>() : 0;
}

void LiveLogPage::selectRow(int sourceRow) {
    const QModelIndex idx = m_filter->mapFromSource(m_model->index(sourceRow, 0));
    m_table->selectionModel()->setCurrentIndex(idx, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void LiveLogPage::refreshDetail() {
    const quint64 id = selectedRequestId();
    const LiveRequest* r = id ? m_model->request(m_model->rowOf(id)) : nullptr;
    m_copyCurl->setEnabled(r && !r->path.isEmpty());
    if (!r) {
        m_detailTitle->setText(tr("Select a request to see it here."));
        m_request->clear();
        m_response->clear();
        return;
    }
    QString title = QStringLiteral("<b>%1 %2</b> · %3").arg(r->method, r->path, r->model.toHtmlEscaped());
    if (!r->provider.isEmpty())
        title += tr(" via %1 (%2)").arg(r->provider.toHtmlEscaped(), r->upstreamModel.toHtmlEscaped());
    title += QStringLiteral(" · req_%1").arg(r->requestId);
    m_detailTitle->setText(title);
    const QString request = prettyJson(r->requestBody);
    if (m_request->toPlainText() != request) m_request->setPlainText(request);
    // Append only what arrived since the last refresh, so long streams stay cheap to show.
    const QString shown = m_response->toPlainText();
    QString full = r->responseText;
    if (r->responseTruncated) full += tr("\n[… truncated]");
    if (full.startsWith(shown) && !shown.isEmpty()) {
        if (full.size() > shown.size()) {
            QTextCursor c(m_response->document());
            c.movePosition(QTextCursor::End);
            c.insertText(full.mid(shown.size()));
        }
    } else if (full != shown) {
        m_response->setPlainText(full);
    }
}

void LiveLogPage::refreshCount() {
    QString text = tr("Requests shown: %1").arg(m_filter->rowCount());
    if (m_model->paused()) text += tr(" · paused, events waiting: %1").arg(m_model->pendingCount());
    text += tr(" · the newest %1 are kept here, the usage ledger keeps everything").arg(m_model->maxRows());
    m_count->setText(text);
}

QString LiveLogPage::requestText() const { return m_request->toPlainText(); }
QString LiveLogPage::responseText() const { return m_response->toPlainText(); }

QString LiveLogPage::selectedAsCurl() const {
    const quint64 id = selectedRequestId();
    const LiveRequest* r = id ? m_model->request(m_model->rowOf(id)) : nullptr;
    if (!r) return {};
    return snippets::curlForRequest(m_controller->configuredUrl(), r->method, r->path, r->requestBody);
}

}  // namespace ar::gui
