// SPDX-License-Identifier: MIT
#include "modelmenu.h"

#include <QActionGroup>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>

namespace Durable::Ui {

namespace {

QString kindOf(const QString &spec)
{
    return spec.startsWith(QLatin1String("cassette:")) ? QStringLiteral("cassette") : spec;
}

} // namespace

ModelMenu::ModelMenu(QWidget *parent)
    : QMenu(tr("&Model for Agents"), parent), m_group(new QActionGroup(this))
{
    setToolTipsVisible(true);
    const struct
    {
        const char *kind;
        QString text;
        QString tip;
    } entries[] = {
        {"", tr("As the &Environment Says"),
         tr("DURABLE_MODEL=openai uses the OPENAI_* server; otherwise each agent's scripted "
            "rules")},
        {"scripted", tr("&Scripted Rules"),
         tr("Each agent class answers from its own rules: no network, no API key")},
        {"openai", tr("&OpenAI-Compatible Server"),
         tr("OPENAI_BASE_URL, OPENAI_API_KEY and OPENAI_MODEL from the environment")},
        {"cassette", tr("&Cassette File…"),
         tr("Replies recorded in a cassette file, served by request")},
    };
    for (const auto &entry : entries) {
        QAction *action = addAction(entry.text);
        action->setCheckable(true);
        action->setToolTip(entry.tip);
        action->setData(QString::fromLatin1(entry.kind));
        m_group->addAction(action);
        if (action->data().toString() == QLatin1String("cassette")) {
            connect(action, &QAction::triggered, this, &ModelMenu::pickCassette);
        } else {
            connect(action, &QAction::triggered, this, [this, action] {
                if (action->data().toString() != kindOf(m_current))
                    emit chosen(action->data().toString());
            });
        }
    }
    setCurrent(QString());
}

QAction *ModelMenu::action(const QString &kind) const
{
    for (QAction *action : m_group->actions()) {
        if (action->data().toString() == kind)
            return action;
    }
    return nullptr;
}

void ModelMenu::setCurrent(const QString &spec)
{
    m_current = spec;
    if (QAction *checked = action(kindOf(spec)))
        checked->setChecked(true);
    QAction *cassette = action(QStringLiteral("cassette"));
    cassette->setText(kindOf(spec) == QLatin1String("cassette")
                          ? tr("&Cassette File (%1)…").arg(QFileInfo(spec.mid(9)).fileName())
                          : tr("&Cassette File…"));
}

void ModelMenu::pickCassette()
{
    const QString start = kindOf(m_current) == QLatin1String("cassette")
                              ? QFileInfo(m_current.mid(9)).absolutePath()
                              : QDir::homePath();
    const QString file = QFileDialog::getOpenFileName(parentWidget(),
                                                      tr("Cassette of Recorded Replies"), start,
                                                      tr("Cassettes (*.json);;All files (*)"));
    if (file.isEmpty()) {
        setCurrent(m_current); // back to what it was
        return;
    }
    emit chosen(QStringLiteral("cassette:") + file);
}

} // namespace Durable::Ui
