// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>

class QSocketNotifier;

namespace Durable::Cli {

// Turns SIGINT and SIGTERM into a Qt signal on the thread that created the watcher, through a
// self-pipe: the async-signal handler only writes the signal number to a socket pair, and a
// QSocketNotifier reads it in the event loop. One watcher per process.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

    bool isValid() const { return m_notifier != nullptr; }
    static QString signalName(int signal);

signals:
    void signalReceived(int signal);

private:
    void readSignals();

    QSocketNotifier *m_notifier = nullptr;
};

} // namespace Durable::Cli
