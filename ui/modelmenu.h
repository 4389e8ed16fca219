// SPDX-License-Identifier: MIT
#pragma once

#include <QMenu>

class QActionGroup;

namespace Durable::Ui {

// File > Model for Agents: where agents' model calls go in the engines the studio opens, the
// setting behind `durable-studio --model`: as the environment says (the default), each agent's
// scripted rules, an OpenAI-compatible server (OPENAI_* variables), or a cassette file of
// recorded replies. Choosing emits chosen() with the choice as --model writes it ("" for the
// environment); the studio reopens the data directory with it. GUI thread only.
class ModelMenu : public QMenu
{
    Q_OBJECT
public:
    explicit ModelMenu(QWidget *parent = nullptr);

    // Checks the entry of spec ("", "scripted", "openai" or "cassette:FILE").
    void setCurrent(const QString &spec);
    QString current() const { return m_current; }
    // The entry for spec's kind.
    QAction *action(const QString &kind) const;

signals:
    void chosen(const QString &spec);

private:
    void pickCassette();

    QActionGroup *m_group;
    QString m_current;
};

} // namespace Durable::Ui
