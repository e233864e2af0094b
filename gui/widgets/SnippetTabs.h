#pragma once

#include <QWidget>

class QTabWidget;
class QPlainTextEdit;

namespace ar::gui {

// Ready-to-paste client snippets (OpenAI SDK, curl, environment) in tabs, each with Copy.
class SnippetTabs : public QWidget {
    Q_OBJECT
public:
    explicit SnippetTabs(QWidget* parent = nullptr);

    // `key` empty: the snippets read $AGENTROUTER_API_KEY.
    void setConnection(const QString& baseUrl, const QString& key = {});
    QString snippet(int tab) const;
    int count() const;

private:
    QTabWidget* m_tabs;
    QList<QPlainTextEdit*> m_edits;
};

}  // namespace ar::gui
