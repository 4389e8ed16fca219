// SPDX-License-Identifier: MIT
#pragma once

#include "httprequestparser.h"

#include "httpresponse.h"
#include "httpserver.h"
#include <QByteArray>
#include <QHostAddress>
#include <QObject>
#include <deque>
#include <memory>

class QTcpSocket;

namespace Durable {

class HttpConnectionChannel;
class HttpEventStreamState;
class HttpServer;

// One accepted TCP connection: reads and parses requests, hands them to the server, and writes
// the responses strictly in request order whatever order they are delivered in.
//
// Lives on the server's thread; every method runs there (responders reach it through its
// HttpConnectionChannel). Deletes itself (deleteLater) once the socket is gone.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    HttpConnection(QTcpSocket *socket, HttpServer *server);
    ~HttpConnection() override;

    // The answer to request number `sequence`; duplicates and late answers are ignored.
    void deliver(quint64 sequence, const HttpResponse &response);
    void beginStream(quint64 sequence, const std::shared_ptr<HttpEventStreamState> &state,
                     const HttpResponse &extra);
    void writeStream(quint64 sequence, const QByteArray &bytes);
    void endStream(quint64 sequence);

    // Nothing in flight and nothing received for timeoutMs.
    bool isIdle(qint64 nowMs, qint64 timeoutMs) const;
    // A request head started arriving more than timeoutMs ago and is still incomplete.
    bool headTimedOut(qint64 nowMs, qint64 timeoutMs) const;
    // Answers 408 to a head that took too long (slowloris) and closes.
    void refuseSlowHead();
    // Stopped reading requests because replies back up.
    bool isReadPaused() const { return m_readPaused; }
    // Graceful close: pending writes go out first.
    void closeGracefully();
    // Immediate close: everything pending is dropped.
    void abort();

private:
    enum class SlotState { Waiting, Ready, Stream };

    // One request's place in the response queue.
    struct Slot
    {
        SlotState state = SlotState::Waiting;
        bool keepAlive = true;
        bool head = false;
        bool http10 = false;
        bool streamHeadWritten = false;
        bool streamEnded = false;
        QByteArray bytes; // the serialised response, or stream bytes waiting for their turn
    };

    void readSocket();
    // At a request boundary: whether the socket's bytes must stay unread, because they are an
    // incomplete GET head (which may be a WebSocket handshake) or a handshake an upgrade route
    // took along with the socket.
    bool holdForUpgrade();
    void handOver(const HttpSocketTaker &take);
    void processBuffer();
    // Too many replies await their turn or wait in the socket for the client to read them.
    bool outputBackedUp() const;
    void resumeReadingIfDrained();
    void noteHeadProgress();
    void failConnection(int status, const QString &code, const QString &message);
    void dropSlowSubscriber(qint64 unreadBytes);
    void flush();
    void handleDisconnect();
    Slot *slotFor(quint64 sequence);
    QByteArray serialize(const HttpResponse &response, const Slot &slot) const;

    QTcpSocket *m_socket;
    HttpServer *m_server;
    HttpRequestParser m_parser;
    std::shared_ptr<HttpConnectionChannel> m_channel;
    std::shared_ptr<HttpEventStreamState> m_stream;
    std::deque<Slot> m_slots;
    quint64 m_frontSequence = 0; // sequence number of m_slots.front()
    quint64 m_nextSequence = 0;
    qint64 m_lastActivityMs = 0;
    qint64 m_headStartedMs = -1; // when the incomplete request head in the parser began
    QHostAddress m_peerAddress;
    quint16 m_peerPort = 0;
    bool m_acceptingRequests = true; // false after Connection: close, an error or a stream
    bool m_closing = false;
    bool m_gone = false;
    bool m_processing = false;
    bool m_readPaused = false; // stopped reading because too many requests await answers
};

} // namespace Durable
