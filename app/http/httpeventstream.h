// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QObject>
#include <functional>
#include <memory>

namespace Durable {

class HttpEventStreamState;

// A server-sent events stream (text/event-stream) opened by HttpResponder::respondEventStream().
// A small copyable handle usable from ANY thread: events are posted to the connection's thread
// and written in the order they were sent. The stream ends when close() is called (the server
// then closes the connection) or when the client disconnects; isOpen() turns false and the
// onClosed() callbacks run.
class HttpEventStream
{
public:
    HttpEventStream() = default;
    explicit HttpEventStream(std::shared_ptr<HttpEventStreamState> state);

    bool isValid() const { return bool(m_state); }
    // Thread-safe. False after close() or once the client disconnected.
    bool isOpen() const;

    // Sends "event: <event>\ndata: <line>\n...\n\n"; an empty event name omits the event line,
    // a multi-line data payload becomes several data lines. Thread-safe. Returns false if the
    // stream is already closed (the event is dropped).
    bool send(const QByteArray &event, const QByteArray &data) const;
    // Sends ": <text>\n\n", a comment clients ignore; useful as a heartbeat. Thread-safe.
    bool sendComment(const QByteArray &text) const;
    // Ends the stream after the events already sent went out, and closes the connection.
    void close() const;

    // Runs callback on context's thread once the stream has ended, for whatever reason. If it
    // has already ended, the callback is still queued. Skipped if context is destroyed first.
    void onClosed(QObject *context, std::function<void()> callback) const;

private:
    std::shared_ptr<HttpEventStreamState> m_state;
};

} // namespace Durable
