// SPDX-License-Identifier: MIT
// durable-gui-bench: the studio's main window over an engine with many objects while turns
// flow: how long the browser takes to show them, how long a filter keystroke takes, and the
// worst stalls of the GUI thread's event loop under load. Prints one JSON line.
#include "benchline.h"
#include "callpump.h"
#include "guistallmeter.h"
#include "rateload.h"
#include "testobjects.h"

#include "mainwindow.h"
#include "objectbrowser.h"
#include "objectlistmodel.h"

#include <durable/core/engine.h>
#include <durable/core/inspector.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFutureSynchronizer>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <functional>

namespace {

using namespace Durable;
using namespace DurableBench;

struct Settings
{
    qint64 objects = 100000;
    double rate = 10000;
    int seconds = 30;
    int hot = 1000;
};

// Spins the event loop until ready() holds or timeoutMs passes; returns the elapsed ms, or -1.
qint64 waitUntil(const std::function<bool()> &ready, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!ready()) {
        if (timer.elapsed() > timeoutMs)
            return -1;
        QEventLoop loop;
        QTimer::singleShot(1, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return timer.elapsed();
}

void runEventLoopFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

std::vector<Stub> makeStubs(Engine &engine, qint64 count)
{
    std::vector<Stub> stubs;
    stubs.reserve(size_t(count));
    for (qint64 i = 0; i < count; ++i)
        stubs.push_back(
            engine.stub(QStringLiteral("Counter"), QStringLiteral("obj%1").arg(i)).value());
    return stubs;
}

Settings parse(const QApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The studio window over many objects with turns flowing; prints one JSON line."));
    parser.addHelpOption();
    const QCommandLineOption objects(QStringLiteral("objects"),
                                     QStringLiteral("Objects to create (100000)."),
                                     QStringLiteral("n"), QStringLiteral("100000"));
    const QCommandLineOption rate(QStringLiteral("rate"),
                                  QStringLiteral("Turns per second offered (10000)."),
                                  QStringLiteral("n"), QStringLiteral("10000"));
    const QCommandLineOption seconds(QStringLiteral("seconds"),
                                     QStringLiteral("Seconds of load (30)."), QStringLiteral("n"),
                                     QStringLiteral("30"));
    const QCommandLineOption hot(QStringLiteral("hot"),
                                 QStringLiteral("Objects the load spreads over (1000)."),
                                 QStringLiteral("n"), QStringLiteral("1000"));
    const QCommandLineOption quick(QStringLiteral("quick"),
                                   QStringLiteral("2,000 objects, 2,000 turns/s, 3 s."));
    parser.addOptions({objects, rate, seconds, hot, quick});
    parser.process(app);
    Settings settings;
    if (parser.isSet(quick))
        settings = {2000, 2000, 3, 200};
    if (parser.isSet(objects))
        settings.objects = parser.value(objects).toLongLong();
    if (parser.isSet(rate))
        settings.rate = parser.value(rate).toDouble();
    if (parser.isSet(seconds))
        settings.seconds = parser.value(seconds).toInt();
    if (parser.isSet(hot))
        settings.hot = parser.value(hot).toInt();
    settings.hot = int(std::clamp<qint64>(settings.hot, 1, settings.objects));
    return settings;
}

// Sums the hot objects' counters: every completed call added exactly one.
qint64 sumOf(const std::vector<Stub> &stubs)
{
    QFutureSynchronizer<QJsonValue> all;
    for (const Stub &stub : stubs)
        all.addFuture(stub.call(QStringLiteral("get")));
    all.waitForFinished();
    qint64 sum = 0;
    for (const QFuture<QJsonValue> &future : all.futures())
        sum += future.result().toInteger();
    return sum;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    // The window saves its layout on close: keep that out of the user's own studio settings.
    QApplication::setOrganizationName(QStringLiteral("DurableStudioBench"));
    const Settings settings = parse(app);
    BenchLine line(QStringLiteral("gui"));
    QStringList problems;
    const auto finish = [&line, &problems] {
        line.setOk(problems.isEmpty());
        if (!problems.isEmpty())
            line.set(QStringLiteral("error"), problems.join(QStringLiteral("; ")));
        line.print();
        return problems.isEmpty() ? 0 : 1;
    };

    QTemporaryDir dir;
    EngineOptions options;
    options.dataDir = dir.path();
    Engine engine(options);
    DurableTest::registerTestClasses(engine);
    if (auto started = engine.start(); !started) {
        problems << started.error().message();
        return finish();
    }

    // Every object gets one turn, so each has a file, a journal and a catalog row.
    const std::vector<Stub> stubs = makeStubs(engine, settings.objects);
    const PumpOutcome populate = CallPump::run(
        settings.objects, 64,
        [&stubs](qint64 i) {
            return CallSpec {stubs[size_t(i)], QStringLiteral("increment"), 1};
        },
        [](qint64, const QJsonValue &reply) {
            return reply.toInteger() == 1 ? QString() : QStringLiteral("bad reply");
        });
    if (populate.failures > 0)
        problems << QStringLiteral("populating failed: %1").arg(populate.firstFailure);
    line.set(QStringLiteral("objects"), double(settings.objects));
    line.setFigure(QStringLiteral("populate_s"), populate.seconds, 1);

    Inspector inspector(&engine);
    Ui::MainWindow window(&engine, &inspector);
    window.resize(1600, 1000);
    Ui::ObjectListModel *model = window.browser()->objectModel();
    QElapsedTimer shown;
    shown.start();
    window.show();
    const qint64 firstPage = waitUntil(
        [model] { return model->rowCount() > 0 && !model->isLoading(); }, 120000);
    line.set(QStringLiteral("first_page_ms"), double(firstPage));
    if (firstPage < 0)
        problems << QStringLiteral("the browser showed no objects within 120 s");

    // A keystroke in the filter (its 150 ms typing delay included) until the rows are there.
    QLineEdit *filter = window.browser()->filterEdit();
    const QString needle = QStringLiteral("obj%1").arg(settings.objects - 1);
    filter->setText(needle.chopped(1));
    waitUntil([model,
               &needle] { return model->textFilter() == needle.chopped(1) && model->isComplete(); },
              120000);
    QElapsedTimer keystroke;
    keystroke.start();
    filter->setText(needle);
    const qint64 filterMs = waitUntil(
        [model, &needle] {
            return model->textFilter() == needle && model->isComplete() && model->rowCount() == 1;
        },
        120000);
    line.set(QStringLiteral("filter_keystroke_ms"), double(filterMs));
    if (filterMs < 0)
        problems << QStringLiteral("filtering for %1 did not narrow to one row").arg(needle);
    filter->clear();
    waitUntil(
        [model] {
            return model->textFilter().isEmpty() && model->rowCount() > 0 && !model->isLoading();
        },
        120000);

    // Turns flow over the hot objects (spread over the whole range) while one of them is open
    // in the inspector, as a person watching would have it.
    std::vector<Stub> hot;
    const qint64 stride = settings.objects / settings.hot;
    for (int i = 0; i < settings.hot; ++i)
        hot.push_back(stubs[size_t(i * stride)]);
    window.browser()->selectObject(hot.front().id());
    const qint64 before = sumOf(hot);
    RateLoad load(hot, QStringLiteral("increment"), settings.rate);
    GuiStallMeter meter;
    QElapsedTimer loadTimer;
    loadTimer.start();
    load.start();
    meter.start();
    runEventLoopFor(settings.seconds * 1000);
    meter.stop();
    load.stop();
    const double loadSeconds = double(loadTimer.nsecsElapsed()) / 1e9;
    const qint64 added = sumOf(hot) - before;
    if (load.failed() > 0)
        problems << QStringLiteral("%1 calls failed under load").arg(load.failed());
    if (added != load.completed())
        problems << QStringLiteral("counters grew by %1 for %2 completed calls")
                        .arg(added)
                        .arg(load.completed());

    line.set(QStringLiteral("hot_objects"), settings.hot);
    line.setFigure(QStringLiteral("offered_turns_per_s"), settings.rate, 0);
    line.setFigure(QStringLiteral("turns_per_s"), double(load.completed()) / loadSeconds, 0);
    line.set(QStringLiteral("load_s"), settings.seconds);
    line.set(QStringLiteral("stall_samples"), double(meter.samples()));
    line.setFigure(QStringLiteral("stall_p50_ms"), meter.percentileMs(0.50), 2);
    line.setFigure(QStringLiteral("stall_p99_ms"), meter.percentileMs(0.99), 2);
    line.setFigure(QStringLiteral("stall_max_ms"), meter.maxMs(), 2);
    line.set(QStringLiteral("target_met"),
             meter.percentileMs(0.99) <= 16 && meter.maxMs() <= 50 &&
                 double(load.completed()) / loadSeconds >= 0.95 * settings.rate);
    window.close();
    engine.shutdown();
    return finish();
}
