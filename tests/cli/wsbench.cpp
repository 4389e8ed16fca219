// SPDX-License-Identifier: MIT
// durable-ws-bench: WebSocket clients of agents through `durable serve` (issue 19). It starts
// `durable serve --virtual-clock` on a temporary data directory with a small JavaScript agent
// (WsBench: "bump" adds one to state.n, "read" returns it), opens QWebSocket clients on
// GET /objects/WsBench/{name}/connect and prints one JSON line per run. Modes:
//   idle    N clients spread over M objects: connect time, the objects hibernated (the virtual
//           clock is moved past the engine's idle eviction), the server's memory and open files
//           per idle client, then the latency of a call on clients of hibernated objects
//   fanout  N clients on one object; each round a driver bumps the state and every client times
//           the state frame carrying the new n, from the moment the driver sent its request
// Not a CTest test. Timestamps are taken when the bench's event loop handles a frame, so they
// include the bench's own processing of the frames before it (one thread, same machine).
#include "httptestclient.h"
#include "servedprocess.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkProxy>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTimer>
#include <QWebSocket>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <unistd.h>
#include <vector>

using namespace DurableCliTest;

namespace {

constexpr auto s_className = "WsBench";

// The agent the clients talk to, written into the data directory's parent and given to --agents.
constexpr auto s_agentSource = R"js(// SPDX-License-Identifier: MIT
// durable-ws-bench's agent: a counter that WebSocket clients call.
export class WsBench extends Agent {
    static get description() { return "durable-ws-bench: a counter for WebSocket clients"; }
    constructor() {
        super();
        this.handle("bump", this.bump);
        this.handle("read", this.read);
    }
    initialState() { return { n: 0 }; }
    bump() {
        const next = this.state();
        next.n = (next.n || 0) + 1;
        this.setState(next);
        return next.n;
    }
    read() { return this.state().n || 0; }
}
)js";

QElapsedTimer s_clock;

qint64 nowNs()
{
    return s_clock.nsecsElapsed();
}

// Spins the event loop (blocking in poll, so frames are timed when they arrive) until done()
// or the timeout; returns done().
bool spinUntil(const std::function<bool()> &done, qint64 timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    QTimer tick; // wakes the blocking wait to look at the deadline
    tick.start(50);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

// Runs the event loop for ms milliseconds.
void pause(int ms)
{
    QTimer timer;
    timer.setSingleShot(true);
    timer.start(ms);
    spinUntil([&timer] { return !timer.isActive(); }, ms + 1000);
}

qint64 percentile(std::vector<qint64> sorted, double p)
{
    if (sorted.empty())
        return -1;
    std::sort(sorted.begin(), sorted.end());
    const auto rank = qsizetype(std::ceil(p * double(sorted.size()))) - 1;
    return sorted[size_t(std::clamp<qsizetype>(rank, 0, qsizetype(sorted.size()) - 1))];
}

// A field of /proc/PID/status in kB (VmRSS, VmHWM), or -1.
qint64 procStatusKb(qint64 pid, const QByteArray &field)
{
    QFile file(QStringLiteral("/proc/%1/status").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith(field + ':'))
            return line.mid(field.size() + 1).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// CPU time (user + system) the process used so far, in ms, or -1.
qint64 cpuMs(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    // After "(comm)", fields from the third on: utime and stime are the 14th and 15th.
    const QByteArray stat = file.readAll();
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    const qint64 ticks = fields.at(11).toLongLong() + fields.at(12).toLongLong();
    return ticks * 1000 / sysconf(_SC_CLK_TCK);
}

int openFds(qint64 pid)
{
    return int(QDir(QStringLiteral("/proc/%1/fd").arg(pid))
                   .entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)
                   .size());
}

// One WebSocket client and what it is waiting for.
struct Client
{
    QWebSocket socket;
    int object = 0;
    bool settled = false; // greeted, or failed before its hello
    bool greeted = false;
    int helloN = 0;
    // A call's reply being timed.
    QString awaitedReplyId;
    qint64 replyNs = -1;
    // A state frame being timed: the first one carrying this n.
    int awaitedN = -1;
    qint64 stateNs = -1;
};

// Every client of a run, and the frames they got that matter.
class Clients
{
public:
    Clients(quint16 port, const QStringList &objectNames) : m_port(port), m_objectNames(objectNames)
    { }

    int count() const { return int(m_clients.size()); }
    Client &at(int index) { return *m_clients[size_t(index)]; }
    int settled() const { return m_settled; }
    int greeted() const { return m_greeted; }
    int failed() const { return m_failed; }
    int dropped() const { return m_dropped; }
    int errors() const { return m_errors; }
    int overflows() const { return m_overflows; }
    int statesSeen() const { return m_statesSeen; }
    int repliesSeen() const { return m_repliesSeen; }
    qint64 frames() const { return m_frames; }
    QString lastProblem() const { return m_lastProblem; }

    // Opens total clients, client i on object i % objects, at most inFlight handshakes at a
    // time; returns whether every one settled (greeted or failed) within timeoutMs.
    bool open(int total, int inFlight, qint64 timeoutMs)
    {
        const int start = count();
        const int end = start + total;
        int next = start;
        return spinUntil(
            [&] {
                while (next < end && next - m_settled < inFlight + start)
                    add(next++ % int(m_objectNames.size()));
                return m_settled == end;
            },
            timeoutMs);
    }

    void resetTimings()
    {
        m_statesSeen = 0;
        m_repliesSeen = 0;
    }

private:
    void add(int object)
    {
        m_clients.push_back(std::make_unique<Client>());
        Client *client = m_clients.back().get();
        client->object = object;
        QObject::connect(&client->socket, &QWebSocket::textMessageReceived, &client->socket,
                         [this, client](const QString &text) { receive(*client, text); });
        QObject::connect(&client->socket, &QWebSocket::disconnected, &client->socket,
                         [this, client] { lost(*client); });
        QObject::connect(&client->socket,
                         QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error),
                         &client->socket, [this, client](QAbstractSocket::SocketError) {
                             m_lastProblem = client->socket.errorString();
                             lost(*client);
                         });
        client->socket.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/objects/%2/%3/connect")
                                     .arg(m_port)
                                     .arg(QLatin1String(s_className), m_objectNames.at(object))));
    }

    void lost(Client &client)
    {
        if (!client.settled) {
            client.settled = true;
            ++m_settled;
            ++m_failed;
        } else if (client.greeted) {
            client.greeted = false;
            --m_greeted;
            ++m_dropped;
        }
    }

    void receive(Client &client, const QString &text)
    {
        const qint64 at = nowNs();
        ++m_frames;
        // Change events are most of the traffic and timed by nobody: skip them unparsed
        // (compact JSON sorts keys, so "type" comes last).
        if (text.endsWith(QLatin1String("\"type\":\"event\"}")))
            return;
        const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
        const QString type = frame.value(QLatin1String("type")).toString();
        if (type == QLatin1String("state")) {
            const int n =
                frame.value(QLatin1String("state")).toObject().value(QLatin1String("n")).toInt(-1);
            if (client.awaitedN >= 0 && n == client.awaitedN && client.stateNs < 0) {
                client.stateNs = at;
                ++m_statesSeen;
            }
        } else if (type == QLatin1String("reply")) {
            if (!client.awaitedReplyId.isEmpty() &&
                frame.value(QLatin1String("id")).toString() == client.awaitedReplyId &&
                client.replyNs < 0) {
                client.replyNs = at;
                ++m_repliesSeen;
            }
        } else if (type == QLatin1String("hello")) {
            if (!client.settled) {
                client.settled = true;
                client.greeted = true;
                client.helloN = frame.value(QLatin1String("state"))
                                    .toObject()
                                    .value(QLatin1String("n"))
                                    .toInt();
                ++m_settled;
                ++m_greeted;
            }
        } else if (type == QLatin1String("error")) {
            ++m_errors;
            m_lastProblem = text;
        } else if (type == QLatin1String("overflow")) {
            ++m_overflows;
        }
    }

    quint16 m_port;
    QStringList m_objectNames;
    std::vector<std::unique_ptr<Client>> m_clients;
    int m_settled = 0;
    int m_greeted = 0;
    int m_failed = 0;
    int m_dropped = 0;
    int m_errors = 0;
    int m_overflows = 0;
    int m_statesSeen = 0;
    int m_repliesSeen = 0;
    qint64 m_frames = 0;
    QString m_lastProblem;
};

QString callText(const QString &id, const QString &method)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonObject {{QStringLiteral("type"), QStringLiteral("call")},
                                   {QStringLiteral("id"), id},
                                   {QStringLiteral("method"), method}})
            .toJson(QJsonDocument::Compact));
}

double toUs(qint64 ns)
{
    return ns < 0 ? -1.0 : double(ns / 1000);
}

void print(const QJsonObject &line)
{
    std::fprintf(stdout, "%s\n", QJsonDocument(line).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
}

struct Settings
{
    int clients = 0;
    int objects = 0;
    int rounds = 0;
    int samples = 0;
    int inFlight = 0;
    bool evict = true;
    bool httpTrigger = false;
    qint64 timeoutMs = 0;
};

// Waits until the server has no live object (GET /metrics liveObjects), after moving its virtual
// clock past the engine's idle eviction (5 min). Returns the live objects left.
int hibernate(HttpTestClient &http, qint64 timeoutMs)
{
    const HttpTestResponse moved = http.post("/clock/advance", R"({"by": "10m"})");
    if (moved.status != 200) {
        std::fprintf(stderr, "POST /clock/advance: %d %s\n", moved.status, moved.body.constData());
        return -1;
    }
    int live = -1;
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        live = http.get("/metrics").json().value(QLatin1String("liveObjects")).toInt(-1);
        if (live == 0)
            break;
        pause(200);
    }
    return live;
}

int runIdle(ServedProcess &served, quint16 port, const Settings &settings)
{
    const qint64 pid = served.pid();
    HttpTestClient http(port);
    QStringList names;
    for (int i = 0; i < settings.objects; ++i)
        names.append(QStringLiteral("o-%1").arg(i));
    const qint64 rssStart = procStatusKb(pid, "VmRSS");
    const int fdsStart = openFds(pid);

    Clients clients(port, names);
    const qint64 serverCpuStart = cpuMs(pid);
    const qint64 connectStart = nowNs();
    const bool allSettled = clients.open(settings.clients, settings.inFlight, settings.timeoutMs);
    const qint64 connectNs = nowNs() - connectStart;
    const qint64 serverCpuConnect = cpuMs(pid) - serverCpuStart;
    const qint64 rssConnected = procStatusKb(pid, "VmRSS");
    const int liveConnected =
        http.get("/metrics").json().value(QLatin1String("liveObjects")).toInt(-1);

    int liveAfter = liveConnected;
    qint64 evictNs = 0;
    if (settings.evict) {
        const qint64 evictStart = nowNs();
        liveAfter = hibernate(http, settings.timeoutMs);
        evictNs = nowNs() - evictStart;
    }
    // Let the eviction's events reach the clients before memory is read.
    pause(1000);
    const qint64 rssIdle = procStatusKb(pid, "VmRSS");
    const int fdsIdle = openFds(pid);
    const int held = clients.greeted();
    std::fprintf(stderr, "durable-ws-bench: %d clients held, %d live objects; waking calls\n", held,
                 liveAfter);

    // Calls on clients of distinct random objects, one at a time: each wakes its object.
    std::vector<int> objectOrder(size_t(settings.objects));
    for (int i = 0; i < settings.objects; ++i)
        objectOrder[size_t(i)] = i;
    std::shuffle(objectOrder.begin(), objectOrder.end(), *QRandomGenerator::global());
    std::vector<qint64> wakeNs;
    int wakeTimeouts = 0;
    for (int s = 0; s < settings.samples && held > 0; ++s) {
        const int object = objectOrder[size_t(s) % objectOrder.size()];
        // A greeted client of that object (clients are laid out round-robin over objects).
        Client *chosen = nullptr;
        const int perObject = (clients.count() + settings.objects - 1) / settings.objects;
        const int pick = int(QRandomGenerator::global()->bounded(qMax(1, perObject)));
        for (int k = 0; k < perObject && !chosen; ++k) {
            const int index = object + ((pick + k) % perObject) * settings.objects;
            if (index < clients.count() && clients.at(index).greeted)
                chosen = &clients.at(index);
        }
        if (!chosen)
            continue;
        chosen->awaitedReplyId = QStringLiteral("wake-%1").arg(s);
        chosen->replyNs = -1;
        const qint64 sent = nowNs();
        chosen->socket.sendTextMessage(callText(chosen->awaitedReplyId, QStringLiteral("read")));
        if (spinUntil([&] { return chosen->replyNs >= 0; }, 10000))
            wakeNs.push_back(chosen->replyNs - sent);
        else
            ++wakeTimeouts;
    }

    const qint64 bytesPerClient = held > 0 && rssIdle > 0 && rssStart > 0
                                      ? (rssIdle - rssStart) * 1024 / held
                                      : -1;
    const bool ok = allSettled && held == settings.clients && clients.failed() == 0 &&
                    (!settings.evict || liveAfter == 0) && wakeTimeouts == 0 &&
                    clients.errors() == 0;
    print({{QStringLiteral("bench"), QStringLiteral("websockets")},
           {QStringLiteral("mode"), QStringLiteral("idle")},
           {QStringLiteral("clients"), settings.clients},
           {QStringLiteral("objects"), settings.objects},
           {QStringLiteral("held"), held},
           {QStringLiteral("failed"), clients.failed()},
           {QStringLiteral("dropped"), clients.dropped()},
           {QStringLiteral("connectSeconds"), double(connectNs / 1000000) / 1000.0},
           {QStringLiteral("connectsPerSecond"), qRound(double(held) / (double(connectNs) / 1e9))},
           {QStringLiteral("serverCpuConnectSeconds"), double(serverCpuConnect) / 1000.0},
           {QStringLiteral("liveObjectsConnected"), liveConnected},
           {QStringLiteral("evicted"), settings.evict && liveAfter == 0},
           {QStringLiteral("liveObjectsIdle"), liveAfter},
           {QStringLiteral("evictSeconds"), double(evictNs / 1000000) / 1000.0},
           {QStringLiteral("serverRssStartKb"), double(rssStart)},
           {QStringLiteral("serverRssConnectedKb"), double(rssConnected)},
           {QStringLiteral("serverRssIdleKb"), double(rssIdle)},
           {QStringLiteral("serverPeakRssKb"), double(procStatusKb(pid, "VmHWM"))},
           {QStringLiteral("serverBytesPerIdleClient"), double(bytesPerClient)},
           {QStringLiteral("serverFdsStart"), fdsStart},
           {QStringLiteral("serverFdsIdle"), fdsIdle},
           {QStringLiteral("wakeCalls"), int(wakeNs.size())},
           {QStringLiteral("wakeTimeouts"), wakeTimeouts},
           {QStringLiteral("wakeP50Us"), toUs(percentile(wakeNs, 0.50))},
           {QStringLiteral("wakeP99Us"), toUs(percentile(wakeNs, 0.99))},
           {QStringLiteral("wakeMaxUs"), toUs(percentile(wakeNs, 1.0))},
           {QStringLiteral("errors"), clients.errors()},
           {QStringLiteral("overflows"), clients.overflows()},
           {QStringLiteral("lastProblem"), clients.lastProblem()},
           {QStringLiteral("ok"), ok}});
    return ok ? 0 : 1;
}

int runFanout(ServedProcess &served, quint16 port, const Settings &settings)
{
    const QString object = QStringLiteral("fan");
    Clients clients(port, {object});
    const qint64 connectStart = nowNs();
    const bool allSettled = clients.open(settings.clients, settings.inFlight, settings.timeoutMs);
    const qint64 connectNs = nowNs() - connectStart;
    // The driver is a client too, but not a timed one.
    Clients driver(port, {object});
    driver.open(1, 1, 30000);
    HttpTestClient http(port);
    if (driver.greeted() != 1 || clients.greeted() == 0) {
        std::fprintf(stderr, "clients did not connect: %d of %d greeted; %s\n", clients.greeted(),
                     settings.clients, qPrintable(clients.lastProblem()));
        return 1;
    }
    int n = driver.at(0).helloN;
    std::fprintf(stderr, "durable-ws-bench: %d clients held; rounds\n", clients.greeted());

    std::vector<qint64> latencies; // every client, every round
    latencies.reserve(size_t(settings.clients) * size_t(settings.rounds));
    std::vector<qint64> firsts, lasts, replies;
    int missing = 0;
    const qint64 framesBefore = clients.frames();
    const qint64 serverCpuBefore = cpuMs(served.pid());
    const qint64 benchCpuBefore = cpuMs(QCoreApplication::applicationPid());
    const qint64 runStart = nowNs();
    for (int round = 0; round < settings.rounds; ++round) {
        ++n;
        for (int i = 0; i < clients.count(); ++i) {
            Client &client = clients.at(i);
            client.awaitedN = client.greeted ? n : -1;
            client.stateNs = -1;
        }
        Client &bumper = driver.at(0);
        bumper.awaitedReplyId = QStringLiteral("r-%1").arg(round);
        bumper.replyNs = -1;
        clients.resetTimings();
        const int expected = clients.greeted();
        const qint64 sent = nowNs();
        if (settings.httpTrigger) {
            const HttpTestResponse reply = http.post(
                "/objects/" + QByteArray(s_className) + "/fan/bump", QByteArrayLiteral("{}"));
            if (reply.status == 200)
                bumper.replyNs = nowNs();
        } else {
            bumper.socket.sendTextMessage(callText(bumper.awaitedReplyId, QStringLiteral("bump")));
        }
        spinUntil([&] { return clients.statesSeen() >= expected && bumper.replyNs >= 0; }, 10000);
        qint64 first = -1, last = -1;
        for (int i = 0; i < clients.count(); ++i) {
            const Client &client = clients.at(i);
            if (client.awaitedN < 0)
                continue;
            if (client.stateNs < 0) {
                ++missing;
                continue;
            }
            const qint64 latency = client.stateNs - sent;
            latencies.push_back(latency);
            first = first < 0 ? latency : qMin(first, latency);
            last = qMax(last, latency);
        }
        if (first >= 0) {
            firsts.push_back(first);
            lasts.push_back(last);
        }
        if (bumper.replyNs >= 0)
            replies.push_back(bumper.replyNs - sent);
    }
    const qint64 runNs = nowNs() - runStart;
    const double serverCpuPerRound = double(cpuMs(served.pid()) - serverCpuBefore) /
                                     double(settings.rounds);
    const double benchCpuPerRound = double(cpuMs(QCoreApplication::applicationPid()) -
                                           benchCpuBefore) /
                                    double(settings.rounds);
    const double framesPerRound = double(clients.frames() - framesBefore) /
                                  double(settings.rounds) / double(qMax(1, clients.greeted()));
    const bool ok = allSettled && clients.failed() == 0 && clients.dropped() == 0 && missing == 0 &&
                    int(replies.size()) == settings.rounds && clients.errors() == 0 &&
                    clients.overflows() == 0;
    print({{QStringLiteral("bench"), QStringLiteral("websockets")},
           {QStringLiteral("mode"), QStringLiteral("fanout")},
           {QStringLiteral("trigger"),
            settings.httpTrigger ? QStringLiteral("http") : QStringLiteral("ws")},
           {QStringLiteral("clients"), settings.clients},
           {QStringLiteral("held"), clients.greeted()},
           {QStringLiteral("failed"), clients.failed()},
           {QStringLiteral("dropped"), clients.dropped()},
           {QStringLiteral("connectSeconds"), double(connectNs / 1000000) / 1000.0},
           {QStringLiteral("rounds"), settings.rounds},
           {QStringLiteral("roundsPerSecond"),
            qRound(double(settings.rounds) / (double(runNs) / 1e9) * 10.0) / 10.0},
           {QStringLiteral("samples"), double(latencies.size())},
           {QStringLiteral("framesPerClientRound"), qRound(framesPerRound * 100.0) / 100.0},
           {QStringLiteral("missing"), missing},
           {QStringLiteral("p50Us"), toUs(percentile(latencies, 0.50))},
           {QStringLiteral("p90Us"), toUs(percentile(latencies, 0.90))},
           {QStringLiteral("p99Us"), toUs(percentile(latencies, 0.99))},
           {QStringLiteral("maxUs"), toUs(percentile(latencies, 1.0))},
           {QStringLiteral("firstClientP50Us"), toUs(percentile(firsts, 0.50))},
           {QStringLiteral("lastClientP50Us"), toUs(percentile(lasts, 0.50))},
           {QStringLiteral("lastClientP99Us"), toUs(percentile(lasts, 0.99))},
           {QStringLiteral("replyP50Us"), toUs(percentile(replies, 0.50))},
           {QStringLiteral("replyP99Us"), toUs(percentile(replies, 0.99))},
           {QStringLiteral("serverCpuMsPerRound"), qRound(serverCpuPerRound * 100.0) / 100.0},
           {QStringLiteral("benchCpuMsPerRound"), qRound(benchCpuPerRound * 100.0) / 100.0},
           {QStringLiteral("errors"), clients.errors()},
           {QStringLiteral("overflows"), clients.overflows()},
           {QStringLiteral("lastProblem"), clients.lastProblem()},
           {QStringLiteral("ok"), ok}});
    return ok ? 0 : 1;
}

} // namespace

int main(int argc, char *argv[])
{
    // Qt's poll() dispatcher, not GLib's: GLib's (un)registers a socket notifier in time linear
    // in the sockets open, and every write turns one on and off; the bench is the client, whose
    // own cost should weigh on the figures as little as it can.
    const bool benchSetNoGlib = qEnvironmentVariableIsEmpty("QT_NO_GLIB");
    if (benchSetNoGlib)
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    s_clock.start();
    QNetworkProxy::setApplicationProxy(QNetworkProxy::NoProxy);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Benchmarks WebSocket clients of agents through `durable serve` (GET "
        "/objects/{class}/{name}/connect) and prints one JSON line.\n\n"
        "  --mode idle    N clients over M objects (client i on object i mod M):\n"
        "                 connect time, objects hibernated by moving the virtual clock\n"
        "                 past the idle eviction, server RSS and open files per idle\n"
        "                 client, then the latency of a call on clients of hibernated\n"
        "                 objects (each call wakes one).\n"
        "  --mode fanout  N clients on one object; each round a driver client (or an HTTP\n"
        "                 POST, --trigger http) calls bump, and every client times the state\n"
        "                 frame with the new n from the moment the request was sent. The\n"
        "                 next round starts when every client got it (or after 10 s).\n\n"
        "The server is `durable serve --virtual-clock --quiet` on a temporary data directory\n"
        "with a JavaScript agent class WsBench (bump, read). The bench is one thread: a\n"
        "frame is timed when its event loop handles it.\n\n"
        "Fields: *Us are microseconds; serverBytesPerIdleClient is (server RSS with the\n"
        "objects hibernated - RSS before the first client) / clients held; fanout's\n"
        "serverCpuMsPerRound and benchCpuMsPerRound are user + system CPU; ok is false\n"
        "when a client failed or dropped, a frame was missing or an object stayed live."));
    parser.addHelpOption();
    const QCommandLineOption mode(QStringLiteral("mode"), QStringLiteral("idle or fanout."),
                                  QStringLiteral("MODE"), QStringLiteral("idle"));
    const QCommandLineOption clients(
        QStringLiteral("clients"),
        QStringLiteral("WebSocket clients (default: idle 10000, fanout 1000)."),
        QStringLiteral("N"));
    const QCommandLineOption objects(QStringLiteral("objects"),
                                     QStringLiteral("idle: objects the clients spread over."),
                                     QStringLiteral("M"), QStringLiteral("1000"));
    const QCommandLineOption rounds(QStringLiteral("rounds"),
                                    QStringLiteral("fanout: state changes, one after another."),
                                    QStringLiteral("R"), QStringLiteral("200"));
    const QCommandLineOption samples(
        QStringLiteral("samples"),
        QStringLiteral("idle: calls on clients of distinct hibernated objects."),
        QStringLiteral("S"), QStringLiteral("100"));
    const QCommandLineOption inFlight(QStringLiteral("in-flight"),
                                      QStringLiteral("Handshakes open at once while connecting."),
                                      QStringLiteral("K"), QStringLiteral("200"));
    const QCommandLineOption noEvict(QStringLiteral("no-evict"),
                                     QStringLiteral("idle: do not hibernate the objects."));
    const QCommandLineOption trigger(
        QStringLiteral("trigger"),
        QStringLiteral("fanout: ws (a driver client's call) or http (POST .../bump)."),
        QStringLiteral("HOW"), QStringLiteral("ws"));
    const QCommandLineOption workers(QStringLiteral("workers"),
                                     QStringLiteral("Engine worker threads (0: serve's default)."),
                                     QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption timeout(QStringLiteral("timeout"),
                                     QStringLiteral("Seconds the connecting and the eviction "
                                                    "may take, each."),
                                     QStringLiteral("SECONDS"), QStringLiteral("600"));
    const QCommandLineOption serverEnv(
        QStringLiteral("server-env"),
        QStringLiteral("NAME=VALUE in the server's environment (repeatable), e.g. QT_NO_GLIB=1 "
                       "for Qt's poll() event dispatcher instead of GLib's."),
        QStringLiteral("NAME=VALUE"));
    const QCommandLineOption durable(QStringLiteral("durable"),
                                     QStringLiteral("The durable executable."),
                                     QStringLiteral("PATH"), QStringLiteral(DURABLE_CLI_PATH));
    parser.addOptions({mode, clients, objects, rounds, samples, inFlight, noEvict, trigger, workers,
                       timeout, serverEnv, durable});
    parser.process(app);

    const QString modeName = parser.value(mode);
    if (modeName != QLatin1String("idle") && modeName != QLatin1String("fanout")) {
        std::fprintf(stderr, "--mode is idle or fanout, not \"%s\"\n", qPrintable(modeName));
        return 2;
    }
    const bool idle = modeName == QLatin1String("idle");
    Settings settings;
    settings.clients = parser.isSet(clients) ? parser.value(clients).toInt()
                                             : (idle ? 10000 : 1000);
    settings.objects = qMax(1, parser.value(objects).toInt());
    settings.rounds = qMax(1, parser.value(rounds).toInt());
    settings.samples = qMax(0, parser.value(samples).toInt());
    settings.inFlight = qMax(1, parser.value(inFlight).toInt());
    settings.evict = !parser.isSet(noEvict);
    settings.httpTrigger = parser.value(trigger) == QLatin1String("http");
    if (!settings.httpTrigger && parser.value(trigger) != QLatin1String("ws")) {
        std::fprintf(stderr, "--trigger is ws or http, not \"%s\"\n",
                     qPrintable(parser.value(trigger)));
        return 2;
    }
    settings.timeoutMs = qMax(1, parser.value(timeout).toInt()) * 1000LL;
    if (settings.clients < 1) {
        std::fprintf(stderr, "--clients needs a positive number\n");
        return 2;
    }

    QTemporaryDir dir;
    const QString agentFile = dir.filePath(QStringLiteral("wsbench.js"));
    {
        QFile file(agentFile);
        if (!file.open(QIODevice::WriteOnly) || file.write(s_agentSource) < 0) {
            std::fprintf(stderr, "could not write %s\n", qPrintable(agentFile));
            return 3;
        }
    }
    QStringList arguments {QStringLiteral("serve"),
                           QStringLiteral("--agents"),
                           agentFile,
                           QStringLiteral("--data"),
                           dir.filePath(QStringLiteral("data")),
                           QStringLiteral("--listen"),
                           QStringLiteral("127.0.0.1:0"),
                           QStringLiteral("--virtual-clock"),
                           QStringLiteral("--quiet")};
    if (parser.value(workers).toInt() > 0)
        arguments << QStringLiteral("--workers") << parser.value(workers);
    ServedProcess served(parser.value(durable), arguments);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (benchSetNoGlib)
        environment.remove(QStringLiteral("QT_NO_GLIB")); // the server runs as it would
    for (const QString &assignment : parser.values(serverEnv)) {
        const qsizetype equals = assignment.indexOf(u'=');
        if (equals <= 0) {
            std::fprintf(stderr, "--server-env needs NAME=VALUE, not \"%s\"\n",
                         qPrintable(assignment));
            return 2;
        }
        environment.insert(assignment.left(equals), assignment.mid(equals + 1));
    }
    served.process().setProcessEnvironment(environment);
    const quint16 port = served.start();
    if (port == 0) {
        std::fprintf(stderr, "durable serve did not start: %s\n",
                     qPrintable(served.standardError()));
        return 3;
    }
    const int result = idle ? runIdle(served, port, settings) : runFanout(served, port, settings);
    if (served.terminate() != 0) {
        std::fprintf(stderr, "durable serve did not stop cleanly: %s\n",
                     qPrintable(served.standardError()));
        return 3;
    }
    return result;
}
