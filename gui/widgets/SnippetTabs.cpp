#include "widgets/SnippetTabs.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

#include "Icons.h"
#include "models/Snippets.h"

namespace ar::gui {

SnippetTabs::SnippetTabs(QWidget* parent) : QWidget(parent) {
    m_tabs = new QTabWidget(this);
    m_tabs->setAccessibleName(tr("Client snippets"));
    m_tabs->setDocumentMode(true);
    const QStringList names{tr("Python"), tr("Node.js"), tr("curl"), tr("Environment")};
    for (const QString& name : names) {
        auto* edit = new QPlainTextEdit(m_tabs);
        edit->setReadOnly(true);
        edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        edit->setLineWrapMode(QPlainTextEdit::NoWrap);
        edit->setAccessibleName(tr("%1 snippet").arg(name));
        m_tabs->addTab(edit, name);
        m_edits.append(edit);
    }
    auto* copy = new QPushButton(icon(QStringLiteral("copy")), tr("Copy snippet"), this);
    copy->setAccessibleName(tr("Copy the shown snippet"));
    connect(copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(snippet(m_tabs->currentIndex()));
    });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(copy, 0, Qt::AlignRight);
}

void SnippetTabs::setConnection(const QString& baseUrl, const QString& key) {
    const QStringList texts{snippets::openAiPython(baseUrl), snippets::openAiNode(baseUrl), snippets::curl(baseUrl),
                            snippets::envVars(baseUrl, key)};
    for (int i = 0; i < m_edits.size(); ++i) m_edits[i]->setPlainText(texts[i]);
}

QString SnippetTabs::snippet(int tab) const {
    return tab >= 0 && tab < m_edits.size() ? m_edits[tab]->toPlainText() : QString();
}

int SnippetTabs::count() const { return int(m_edits.size()); }

}  // namespace ar::gui
