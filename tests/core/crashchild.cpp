// SPDX-License-Identifier: MIT
// durable-crash-child: runs an engine on a data directory under a write load and prints one
// line per acknowledged write, "ack <object> <seq>", only after its reply arrived (so after
// its turn committed). The crash-recovery tests SIGKILL it in the middle of the load.
//
// usage: durable-crash-child <dataDir> [--objects N] [--in-flight K] [--max-writes M]
#include "childoutput.h"
#include "crashwriter.h"

#include <durable/core/engine.h>

#include <QCoreApplication>
#include <QStringList>

#include <atomic>
#include <cstdio>
#include <memory>
#include <vector>

using namespace Durable;
using DurableCrash::printLine;

namespace {

struct Load
{
    std::vector<Stub> stubs;
    qint64 maxWrites = 0; // 0 = until killed
    std::atomic<qint64> issued {0};
    std::atomic<qint64> answered {0};
    std::atomic<bool> failed {false};
};

void issueWrite(const std::shared_ptr<Load> &load, size_t object)
{
    if (load->maxWrites > 0 && load->issued.fetch_add(1) >= load->maxWrites)
        return;
    const QByteArray name = load->stubs[object].name().toUtf8();
    load->stubs[object].call(
        QStringLiteral("write"), {}, [load, object, name](const Result<QJsonValue> &reply) {
            if (reply.ok()) {
                printLine("ack " + name + ' ' + QByteArray::number(reply.value().toInteger(-1)) +
                          '\n');
                issueWrite(load, object);
            } else {
                load->failed = true;
                printLine("fail " + name + ' ' + reply.error().message().toUtf8() + '\n');
                QMetaObject::invokeMethod(qApp, &QCoreApplication::quit, Qt::QueuedConnection);
            }
            if (load->maxWrites > 0 && load->answered.fetch_add(1) + 1 == load->maxWrites)
                QMetaObject::invokeMethod(qApp, &QCoreApplication::quit, Qt::QueuedConnection);
        });
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() < 2) {
        std::fputs(
            "usage: durable-crash-child <dataDir> [--objects N] [--in-flight K] [--max-writes M]\n",
            stderr);
        return 2;
    }
    int objects = 6;
    int inFlight = 4;
    auto load = std::make_shared<Load>();
    for (qsizetype i = 2; i + 1 < arguments.size(); i += 2) {
        if (arguments[i] == QLatin1String("--objects"))
            objects = std::max(1, arguments[i + 1].toInt());
        else if (arguments[i] == QLatin1String("--in-flight"))
            inFlight = std::max(1, arguments[i + 1].toInt());
        else if (arguments[i] == QLatin1String("--max-writes"))
            load->maxWrites = std::max(0LL, arguments[i + 1].toLongLong());
    }

    EngineOptions options;
    options.dataDir = arguments[1];
    Engine engine(options);
    if (auto registered = engine.registerClass<DurableCrash::CrashWriter>(
            QStringLiteral("CrashWriter"));
        !registered) {
        printLine("fail register " + registered.error().message().toUtf8() + '\n');
        return 3;
    }
    if (auto started = engine.start(); !started) {
        printLine("fail start " + started.error().message().toUtf8() + '\n');
        return 3;
    }
    for (int i = 0; i < objects; ++i)
        load->stubs.push_back(
            engine.stub(QStringLiteral("CrashWriter"), QStringLiteral("w%1").arg(i)).value());
    printLine("started\n");
    for (int k = 0; k < inFlight; ++k) {
        for (size_t object = 0; object < load->stubs.size(); ++object)
            issueWrite(load, object);
    }
    app.exec();
    engine.shutdown();
    printLine(load->failed ? "done with failures\n" : "done\n");
    return load->failed ? 1 : 0;
}
