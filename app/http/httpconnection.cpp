// SPDX-License-Identifier: MIT
#include "httpconnection.h"

#include "httpconnectionchannel.h"
#include "httpeventstreamstate.h"
#include "httpexchange.h"

#include "httpresponder.h"
#include "httpserver.h"
#include <QLoggingCategory>
#include <QScopeGuard>
#include <QTcpSocket>
#include <cstring>

namespace Durable {

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace {

// Qt's own read buffer is capped so a client that pipelines faster than we answer is slowed
// down by TCP instead of filling our memory.
constexpr qint64 s_socketReadBufferBytes = 256 * 1024;

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, HttpServer *server)
    : QObject(server), m_socket(socket), m_server(server), m_parser(server->options()),
      m_channel(std::make_shared<HttpConnectionChannel>(this, this)),
      m_lastActivityMs(server->nowMs()), m_peerAddress(socket->peerAddress()),
      m_peerPort(socket->peerPort())
{
    m_socket->setParent(this);
    m_socket->setReadBufferSize(s_socketReadBufferBytes);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::readSocket);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::handleDisconnect);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &HttpConnection::resumeReadingIfDrained);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        // Remote close and write failures both end here; the connection is unusable either way.
        handleDisconnect();
    });
    // Bytes may already be waiting (a client that sends right after connecting).
    QMetaObject::invokeMethod(this, &HttpConnection::readSocket, Qt::QueuedConnection);
}

HttpConnection::~HttpConnection()
{
    m_channel->detach();
    if (m_stream)
        m_stream->markEnded();
}

bool HttpConnection::isIdle(qint64 nowMs, qint64 timeoutMs) const
{
    return !m_gone && m_slots.empty() && !m_stream && nowMs - m_lastActivityMs >= timeoutMs;
}

bool HttpConnection::headTimedOut(qint64 nowMs, qint64 timeoutMs) const
{
    return !m_gone && m_acceptingRequests && !m_readPaused && m_headStartedMs >= 0 &&
           nowMs - m_headStartedMs >= timeoutMs;
}

void HttpConnection::refuseSlowHead()
{
    qCInfo(lcHttp).noquote() << QStringLiteral("Closing the connection from %1:%2: its request "
                                               "head was not complete within %3 ms")
                                    .arg(m_peerAddress.toString())
                                    .arg(m_peerPort)
                                    .arg(m_server->options().headTimeoutMs);
    failConnection(408, QStringLiteral("request-timeout"),
                   QStringLiteral("The request head was not complete within %1 ms")
                       .arg(m_server->options().headTimeoutMs));
}

bool HttpConnection::outputBackedUp() const
{
    const HttpServerOptions &options = m_server->options();
    return int(m_slots.size()) >= options.maxPipelinedRequests ||
           m_socket->bytesToWrite() > options.maxQueuedOutputBytes;
}

void HttpConnection::resumeReadingIfDrained()
{
    if (m_readPaused && !m_gone && m_acceptingRequests && !m_processing && !outputBackedUp()) {
        m_readPaused = false;
        QMetaObject::invokeMethod(this, &HttpConnection::readSocket, Qt::QueuedConnection);
    }
}

// Starts the head clock at the first byte of a head and stops it once the head is parsed.
void HttpConnection::noteHeadProgress()
{
    if (!m_parser.headPending() || m_readPaused)
        m_headStartedMs = -1;
    else if (m_headStartedMs < 0)
        m_headStartedMs = m_lastActivityMs;
}

void HttpConnection::closeGracefully()
{
    if (m_gone || m_closing)
        return;
    m_closing = true;
    m_acceptingRequests = false;
    m_socket->disconnectFromHost();
}

void HttpConnection::abort()
{
    if (m_gone)
        return;
    m_closing = true;
    m_socket->abort();
    handleDisconnect();
}

void HttpConnection::handleDisconnect()
{
    if (m_gone)
        return;
    m_gone = true;
    m_acceptingRequests = false;
    m_channel->detach();
    if (m_stream)
        m_stream->markEnded();
    m_slots.clear();
    m_server->forgetConnection(this);
    deleteLater();
}

void HttpConnection::readSocket()
{
    if (m_gone)
        return;
    m_lastActivityMs = m_server->nowMs();
    if (!m_acceptingRequests) {
        // Closing, streaming or after an error: further requests will not be answered, but
        // keep draining so the peer's close is still noticed.
        m_socket->skip(m_socket->bytesAvailable());
        return;
    }
    // Back-pressure: leave the bytes in the socket until responses have gone out.
    if (outputBackedUp()) {
        m_readPaused = true;
        return;
    }
    m_readPaused = false;
    if (holdForUpgrade())
        return;
    const qint64 available = m_socket->bytesAvailable();
    if (available > 0) {
        char *target = m_parser.prepareAppend(available);
        const qint64 read = m_socket->read(target, available);
        m_parser.commitAppend(qMax<qint64>(read, 0));
    }
    processBuffer();
}

bool HttpConnection::holdForUpgrade()
{
    const qint64 available = m_socket->bytesAvailable();
    if (available == 0 || !m_slots.empty() || m_parser.bufferedBytes() > 0)
        return false; // mid-stream: an upgrade only starts a connection's exchange afresh
    static constexpr QByteArrayView get("GET ");
    const qint64 limit = m_server->options().maxHeaderBytes;
    const QByteArray head = m_socket->peek(qMin(available, limit));
    if (!head.startsWith(get.first(qMin(head.size(), get.size()))))
        return false;
    const qsizetype end = head.indexOf("\r\n\r\n");
    if (end < 0) {
        if (available >= limit)
            return false; // too long for a head: the parser refuses it
        if (m_headStartedMs < 0)
            m_headStartedMs = m_lastActivityMs; // a slow head still times out
        return true;
    }
    m_headStartedMs = -1;
    // Cheap first: most GETs are not upgrades (the header's value is case-insensitive).
    if (!head.first(end).toLower().contains("websocket"))
        return false;
    HttpRequestParser parser(m_server->options());
    const qint64 headBytes = end + 4;
    std::memcpy(parser.prepareAppend(headBytes), head.constData(), size_t(headBytes));
    parser.commitAppend(headBytes);
    HttpRequest request;
    if (parser.next(request) != HttpRequestParser::Status::Complete)
        return false;
    request.setPeer(m_peerAddress, m_peerPort);
    const HttpSocketTaker take = m_server->upgrade(request);
    if (!take)
        return false; // read and routed as a plain GET, whose handler says why
    handOver(take);
    return true;
}

// The socket leaves the server with its handshake unread; this connection ends without a byte
// written.
void HttpConnection::handOver(const HttpSocketTaker &take)
{
    QTcpSocket *socket = std::exchange(m_socket, nullptr);
    socket->disconnect(this);
    socket->setParent(nullptr);
    socket->setReadBufferSize(0);
    m_gone = true;
    m_acceptingRequests = false;
    m_channel->detach();
    m_server->forgetConnection(this);
    deleteLater();
    take(socket);
}

void HttpConnection::processBuffer()
{
    if (m_processing)
        return;
    m_processing = true;
    const auto noteHead = qScopeGuard([this] { noteHeadProgress(); });
    while (!m_gone && m_acceptingRequests) {
        if (outputBackedUp()) {
            m_readPaused = true;
            break;
        }
        HttpRequest request;
        const HttpRequestParser::Status status = m_parser.next(request);
        if (status == HttpRequestParser::Status::NeedMore) {
            // Only when nothing is queued before it, or the interim reply would jump the queue.
            if (m_parser.takeExpectContinue() && m_slots.empty())
                m_socket->write(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
            break;
        }
        if (status == HttpRequestParser::Status::Failed) {
            const HttpRequestParser::Failure &failure = m_parser.failure();
            qCDebug(lcHttp).noquote() << "Refusing request from" << m_peerAddress.toString()
                                      << failure.status << failure.message;
            failConnection(failure.status, failure.code, failure.message);
            break;
        }

        const quint64 sequence = m_nextSequence++;
        Slot slot;
        slot.keepAlive = m_parser.keepAlive();
        slot.head = request.method() == "HEAD";
        // HTTP/1.0 clients only keep the connection open when told so explicitly.
        slot.http10 = request.minorVersion() == 0;
        m_slots.push_back(std::move(slot));
        if (!m_parser.keepAlive())
            m_acceptingRequests = false;
        request.setPeer(m_peerAddress, m_peerPort);
        // The handler may answer synchronously, which re-enters deliver() and flush().
        m_server->dispatch(request,
                           HttpResponder(std::make_shared<HttpExchange>(m_channel, sequence)));
    }
    m_processing = false;
}

// The byte stream's framing is lost (or the client is too slow): answer in turn, then close.
void HttpConnection::failConnection(int status, const QString &code, const QString &message)
{
    m_acceptingRequests = false;
    m_headStartedMs = -1;
    Slot slot;
    slot.keepAlive = false;
    slot.bytes = serialize(HttpResponse::error(status, code, message), slot);
    slot.state = SlotState::Ready;
    m_slots.push_back(std::move(slot));
    ++m_nextSequence;
    flush();
}

HttpConnection::Slot *HttpConnection::slotFor(quint64 sequence)
{
    if (m_gone || sequence < m_frontSequence || sequence - m_frontSequence >= m_slots.size())
        return nullptr;
    return &m_slots[sequence - m_frontSequence];
}

void HttpConnection::deliver(quint64 sequence, const HttpResponse &response)
{
    Slot *slot = slotFor(sequence);
    if (!slot || slot->state != SlotState::Waiting)
        return;
    slot->bytes = serialize(response, *slot);
    slot->state = SlotState::Ready;
    if (sequence == m_frontSequence)
        flush();
}

void HttpConnection::beginStream(quint64 sequence,
                                 const std::shared_ptr<HttpEventStreamState> &state,
                                 const HttpResponse &extra)
{
    Slot *slot = slotFor(sequence);
    if (!slot || slot->state != SlotState::Waiting) {
        state->markEnded();
        return;
    }
    // The stream's end is the connection's end: no Content-Length, so nothing can follow it.
    QByteArray head = QByteArrayLiteral("HTTP/1.1 200 OK\r\n"
                                        "Content-Type: text/event-stream\r\n"
                                        "Cache-Control: no-cache\r\n"
                                        "Connection: close\r\n");
    for (const HttpHeader &header : extra.headers()) {
        if (QByteArrayView(header.first).compare("content-type", Qt::CaseInsensitive) == 0 ||
            QByteArrayView(header.first).compare("connection", Qt::CaseInsensitive) == 0 ||
            QByteArrayView(header.first).compare("content-length", Qt::CaseInsensitive) == 0)
            continue;
        head += header.first + ": " + header.second + "\r\n";
    }
    head += "\r\n";
    slot->state = SlotState::Stream;
    slot->bytes = head;
    m_stream = state;
    m_acceptingRequests = false;
    flush();
}

void HttpConnection::writeStream(quint64 sequence, const QByteArray &bytes)
{
    Slot *slot = slotFor(sequence);
    if (!slot || slot->state != SlotState::Stream || slot->streamEnded)
        return;
    if (slot->streamHeadWritten)
        m_socket->write(bytes);
    else
        slot->bytes += bytes;
    // A subscriber that does not read would otherwise grow our memory by every event sent.
    const qint64 unread = m_socket->bytesToWrite() + slot->bytes.size();
    if (unread > m_server->options().maxEventStreamQueueBytes)
        dropSlowSubscriber(unread);
}

void HttpConnection::dropSlowSubscriber(qint64 unreadBytes)
{
    qCWarning(lcHttp).noquote() << QStringLiteral("Disconnecting slow event-stream subscriber "
                                                  "%1:%2: %3 bytes unread exceed the limit of %4")
                                       .arg(m_peerAddress.toString())
                                       .arg(m_peerPort)
                                       .arg(unreadBytes)
                                       .arg(m_server->options().maxEventStreamQueueBytes);
    abort();
}

void HttpConnection::endStream(quint64 sequence)
{
    Slot *slot = slotFor(sequence);
    if (!slot || slot->state != SlotState::Stream)
        return;
    slot->streamEnded = true;
    flush();
}

void HttpConnection::flush()
{
    bool wrote = false;
    // QTcpSocket only buffers a write and sends it when the event loop next reports the socket
    // writable: sending at once saves that extra loop pass per response.
    const auto sendNow = qScopeGuard([this, &wrote] {
        if (wrote && !m_gone)
            m_socket->flush();
    });
    while (!m_gone && !m_slots.empty()) {
        Slot &front = m_slots.front();
        if (front.state == SlotState::Waiting)
            break;
        if (front.state == SlotState::Stream) {
            if (!front.bytes.isEmpty()) {
                m_socket->write(front.bytes);
                front.bytes.clear();
            }
            front.streamHeadWritten = true;
            if (front.streamEnded)
                closeGracefully();
            return;
        }
        m_socket->write(front.bytes);
        wrote = true;
        const bool keepAlive = front.keepAlive;
        m_slots.pop_front();
        ++m_frontSequence;
        if (!keepAlive) {
            closeGracefully();
            return;
        }
    }
    // Responses went out: if back-pressure stopped reading, resume.
    resumeReadingIfDrained();
}

QByteArray HttpConnection::serialize(const HttpResponse &response, const Slot &slot) const
{
    return response.toBytes({slot.keepAlive, slot.http10, slot.head});
}

} // namespace Durable
