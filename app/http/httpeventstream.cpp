// SPDX-License-Identifier: MIT
#include "httpeventstreamstate.h"

#include "httpeventstream.h"

namespace Durable {

HttpEventStream::HttpEventStream(std::shared_ptr<HttpEventStreamState> state)
    : m_state(std::move(state))
{ }

bool HttpEventStream::isOpen() const
{
    return m_state && m_state->isOpen();
}

bool HttpEventStream::send(const QByteArray &event, const QByteArray &data) const
{
    if (!m_state)
        return false;
    QByteArray bytes;
    bytes.reserve(event.size() + data.size() + 24);
    if (!event.isEmpty()) {
        // A newline in the name would end the field early and corrupt the stream.
        QByteArray name = event;
        name.replace('\n', ' ').replace('\r', ' ');
        bytes += "event: " + name + '\n';
    }
    // Each line of the payload is its own data field; the client joins them with '\n'.
    qsizetype start = 0;
    while (true) {
        qsizetype newline = data.indexOf('\n', start);
        const qsizetype end = newline < 0 ? data.size() : newline;
        QByteArrayView line(data.constData() + start, end - start);
        if (line.endsWith('\r'))
            line.chop(1);
        bytes += "data: ";
        bytes += line;
        bytes += '\n';
        if (newline < 0)
            break;
        start = newline + 1;
    }
    bytes += '\n';
    return m_state->write(std::move(bytes));
}

bool HttpEventStream::sendComment(const QByteArray &text) const
{
    if (!m_state)
        return false;
    QByteArray line = text;
    line.replace('\n', ' ').replace('\r', ' ');
    return m_state->write(": " + line + "\n\n");
}

void HttpEventStream::close() const
{
    if (m_state)
        m_state->close();
}

void HttpEventStream::onClosed(QObject *context, std::function<void()> callback) const
{
    if (m_state && context)
        m_state->addClosedCallback(context, std::move(callback));
}

} // namespace Durable
