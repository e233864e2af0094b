#include "pages/SettingsPage.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "config/Config.h"
#include "models/AppSettings.h"

namespace ar::gui {

SettingsPage::SettingsPage(AppSettings* settings, const ServerSettings& current, QWidget* parent)
    : QWidget(parent), m_settings(settings) {
    setAccessibleName(tr("Settings"));

    auto* serverBox = new QGroupBox(tr("Gateway"), this);
    m_bind = new QLineEdit(settings->bind().isEmpty() ? current.bind : settings->bind(), serverBox);
    m_bind->setAccessibleName(tr("Listen address"));
    m_bind->setToolTip(tr("127.0.0.1 keeps the gateway private to this computer; 0.0.0.0 opens it to your network."));
    m_bindError = new QLabel(serverBox);
    m_bindError->setStyleSheet(QStringLiteral("color: #d0453a;"));
    m_bindError->setAccessibleName(tr("Listen address problem"));
    m_bindError->hide();
    auto* bindColumn = new QVBoxLayout;
    bindColumn->setSpacing(2);
    bindColumn->addWidget(m_bind);
    bindColumn->addWidget(m_bindError);
    m_port = new QSpinBox(serverBox);
    m_port->setRange(0, 65535);
    m_port->setValue(settings->port() >= 0 ? settings->port() : current.port);
    m_port->setAccessibleName(tr("Port"));
    m_port->setToolTip(tr("0 picks a free port at each start"));
    const int fieldWidth = m_bind->fontMetrics().averageCharWidth() * 32;
    m_bind->setMaximumWidth(fieldWidth);
    m_port->setMaximumWidth(fieldWidth / 2);
    auto* serverForm = new QFormLayout(serverBox);
    serverForm->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    serverForm->addRow(tr("Listen &address:"), bindColumn);
    serverForm->addRow(tr("&Port:"), m_port);
    qobject_cast<QLabel*>(serverForm->labelForField(bindColumn))->setBuddy(m_bind);
    auto* restartNote = new QLabel(tr("Takes effect the next time the gateway starts."), serverBox);
    restartNote->setForegroundRole(QPalette::PlaceholderText);
    serverForm->addRow(QString(), restartNote);

    auto* windowBox = new QGroupBox(tr("Window"), this);
    m_startMinimised = new QCheckBox(tr("Start &minimised to the tray"), windowBox);
    m_startMinimised->setChecked(settings->startMinimised());
    auto* windowLayout = new QVBoxLayout(windowBox);
    windowLayout->addWidget(m_startMinimised);

    m_save = new QPushButton(tr("&Save"), this);
    m_save->setAccessibleName(tr("Save settings"));
    m_saved = new QLabel(this);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_saved);
    buttons->addWidget(m_save);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(serverBox);
    layout->addWidget(windowBox);
    layout->addLayout(buttons);
    layout->addStretch(1);

    connect(m_bind, &QLineEdit::textChanged, this, &SettingsPage::revalidate);
    connect(m_bind, &QLineEdit::textEdited, m_saved, &QLabel::clear);
    connect(m_port, &QSpinBox::valueChanged, m_saved, &QLabel::clear);
    connect(m_startMinimised, &QCheckBox::toggled, m_saved, &QLabel::clear);
    connect(m_save, &QPushButton::clicked, this, &SettingsPage::save);
    revalidate();
}

void SettingsPage::revalidate() {
    const QString problem = AppSettings::validateBind(m_bind->text());
    m_bindError->setText(problem);
    m_bindError->setVisible(!problem.isEmpty());
    m_save->setEnabled(problem.isEmpty());
}

void SettingsPage::save() {
    if (!AppSettings::validateBind(m_bind->text()).isEmpty()) return;
    m_settings->setServer(m_bind->text().trimmed(), m_port->value());
    m_settings->setStartMinimised(m_startMinimised->isChecked());
    m_saved->setText(tr("Saved."));
}

}  // namespace ar::gui
