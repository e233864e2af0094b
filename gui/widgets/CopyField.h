#pragma once

#include <QWidget>

class QLineEdit;
class QToolButton;

namespace ar::gui {

// A read-only, selectable value with a Copy button next to it (URLs, secrets).
class CopyField : public QWidget {
    Q_OBJECT
public:
    explicit CopyField(const QString& accessibleName, QWidget* parent = nullptr);

    void setText(const QString& text);
    QString text() const;
    void setMonospace(bool on);
    QToolButton* copyButton() const { return m_copy; }

Q_SIGNALS:
    void copied();

private:
    QLineEdit* m_edit;
    QToolButton* m_copy;
};

}  // namespace ar::gui
