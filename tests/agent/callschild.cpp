// SPDX-License-Identifier: MIT
// durable-calls-child: a coordinator load for the durable-calls crash tests. Each unit i starts
// Coordinator "c<cycle>-<i>" on topic "t<cycle>-<i>" (two durable calls to Researchers); every
// other unit then has it sendTo Researcher "t<cycle>-<i>-note". It prints "issue <name>" before
// the start, "ack <name>" when the start returned (its turn committed) and "noted <name>" when
// the notify returned, and keeps a few units in flight until it is SIGKILLed.
//
// usage: durable-calls-child <dataDir> <cycle> <clockMs> [--in-flight K]
#include "agenttestobjects.h"
#include "childoutput.h"

#include <QCoreApplication>
#include <atomic>
#include <cstdio>
#include <durable/core/engine.h>
#include <durable/core/virtualclock.h>
#include <memory>

using namespace Durable;
using DurableCrash::printLine;

namespace {

struct Load
{
    Engine *engine = nullptr;
    QString cycle;
    std::atomic<int> next {0};
};

void issueUnit(const std::shared_ptr<Load> &load);

// Stops the child on the first failure: the harness reads "fail" and reports it.
bool failed(const QByteArray &name, const Result<QJsonValue> &reply)
{
    if (reply.ok())
        return false;
    printLine("fail " + name + ' ' + reply.error().message().toUtf8() + '\n');
    QMetaObject::invokeMethod(qApp, &QCoreApplication::quit, Qt::QueuedConnection);
    return true;
}

void notify(const std::shared_ptr<Load> &load, const Stub &coordinator, const QString &listener)
{
    const QByteArray name = coordinator.name().toUtf8();
    coordinator.call(QStringLiteral("notify"), listener,
                     [load, name](const Result<QJsonValue> &reply) {
                         if (failed(name, reply))
                             return;
                         printLine("noted " + name + '\n');
                         issueUnit(load);
                     });
}

void issueUnit(const std::shared_ptr<Load> &load)
{
    const int i = load->next.fetch_add(1);
    const QString suffix = load->cycle + QLatin1Char('-') + QString::number(i);
    const QString topic = QLatin1Char('t') + suffix;
    const Stub coordinator =
        load->engine->stub(QStringLiteral("Coordinator"), QLatin1Char('c') + suffix).value();
    const QByteArray name = coordinator.name().toUtf8();
    printLine("issue " + name + '\n');
    coordinator.call(QStringLiteral("start"), topic,
                     [load, coordinator, name, topic, i](const Result<QJsonValue> &reply) {
                         if (failed(name, reply))
                             return;
                         printLine("ack " + name + '\n');
                         if (i % 2 == 0)
                             notify(load, coordinator, topic + QStringLiteral("-note"));
                         else
                             issueUnit(load);
                     });
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() < 4) {
        std::fputs("usage: durable-calls-child <dataDir> <cycle> <clockMs> [--in-flight K]\n",
                   stderr);
        return 2;
    }
    int inFlight = 4;
    if (arguments.size() > 5 && arguments[4] == QLatin1String("--in-flight"))
        inFlight = std::max(1, arguments[5].toInt());

    // A virtual clock that never moves: the harness tells this run's turns from its own by time.
    EngineOptions options;
    options.dataDir = arguments[1];
    options.clock = std::make_shared<VirtualClock>(
        QDateTime::fromMSecsSinceEpoch(arguments[3].toLongLong(), Qt::UTC));
    Engine engine(options);
    DurableAgentTest::registerAgentClasses(engine);
    if (auto started = engine.start(); !started) {
        printLine("fail start " + started.error().message().toUtf8() + '\n');
        return 3;
    }
    auto load = std::make_shared<Load>();
    load->engine = &engine;
    load->cycle = arguments[2];
    printLine("started\n");
    for (int k = 0; k < inFlight; ++k)
        issueUnit(load);
    app.exec(); // until SIGKILL, or a failure
    engine.shutdown();
    return 1;
}
