// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPair>
#include <QStringList>
#include <functional>
#include <vector>

class QTimer;

namespace Durable {

// A small keep-alive HTTP/1.1 load generator for benchmarks and tests.
//
// Opens `connections` sockets to the server; each sends its next request when the previous
// reply arrived, until `totalRequests` replies (or failures) were counted; then it closes
// everything and emits finished(). Lives on its creator's thread; everything runs on that
// thread's event loop (run() spins a local one). Reconnects when the server closes a connection.
class HttpLoadClient : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QHostAddress address = QHostAddress(QHostAddress::LocalHost);
        quint16 port = 0;
        int connections = 64;
        qint64 totalRequests = 10000;
        QByteArray method = "GET";
        QByteArray path = "/";
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        // Overrides path for request number index (0-based) when set.
        std::function<QByteArray(qint64 index)> pathFor;
        // When set, decides whether a reply is correct; incorrect ones count as mismatches.
        std::function<bool(qint64 index, int status, const QByteArray &body)> check;
        // The whole run is abandoned (and reported as timed out) after this long.
        int timeoutMs = 60 * 1000;
    };

    struct Report
    {
        qint64 completed = 0;  // replies received
        qint64 failed = 0;     // requests lost to socket errors or the timeout
        qint64 mismatches = 0; // replies Options::check rejected
        bool timedOut = false;
        qint64 elapsedNs = 0;
        double requestsPerSecond = 0;
        qint64 latencyP50Us = 0;
        qint64 latencyP99Us = 0;
        qint64 latencyMaxUs = 0;
        QMap<int, qint64> statusCounts;
        QStringList errors; // the first few error messages
        QString summary() const;
    };

    explicit HttpLoadClient(Options options, QObject *parent = nullptr);
    ~HttpLoadClient() override;

    // Starts the run; finished() follows once every request was answered or failed.
    void start();
    bool isRunning() const { return m_running; }
    const Report &report() const { return m_report; }

    // Convenience: start() and spin a local event loop until finished().
    Report run();

Q_SIGNALS:
    void finished();

private:
    struct Connection;

    void connectSocket(Connection *connection);
    void sendNext(Connection *connection);
    void readReplies(Connection *connection);
    void failConnection(Connection *connection, const QString &message);
    void finish(bool timedOut);
    void addError(const QString &message);

    Options m_options;
    Report m_report;
    std::vector<std::unique_ptr<Connection>> m_connections;
    std::vector<qint64> m_latenciesNs;
    qint64 m_issued = 0;
    qint64 m_done = 0;
    bool m_running = false;
    QElapsedTimer m_clock;
    QTimer *m_timeout = nullptr;
};

} // namespace Durable
