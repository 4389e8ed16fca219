// SPDX-License-Identifier: MIT
// The studio's window on Cloudflare's local state, offscreen: its models (checked by
// QAbstractItemModelTester), the object shown with decoded values, tables, alarm and console,
// writes refused, and the folder left as it was.
#include "directorysnapshot.h"
#include "wranglerfixture.h"

#include <sqlresultmodel.h>
#include <wranglerentrymodel.h>
#include <wranglerobjectmodel.h>
#include <wranglerstatewindow.h>

#include <durable/core/wranglerstate.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace Durable;
using namespace Durable::Ui;

class TestWranglerWindow : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void objectModelGroupsByClass();
    void entryModelShowsDecodedValues();
    void windowShowsAnObject();
    void consoleRefusesWrites();
    void missingFolderSaysSo();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_state;
};

static constexpr qint64 s_alarmNs = 1900000000000000000;

void TestWranglerWindow::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_state = m_dir->filePath(QStringLiteral(".wrangler/state"));
    QString error;
    QVERIFY2(WranglerTest::writeObject(m_state, QStringLiteral("my-worker-app-MyAgent"),
                                       WranglerTest::s_annaId, s_alarmNs, &error),
             qPrintable(error));
    QVERIFY2(WranglerTest::writeObject(m_state, QStringLiteral("my-worker-app-Other"),
                                       QString(64, QLatin1Char('b')), -1, &error),
             qPrintable(error));
}

void TestWranglerWindow::objectModelGroupsByClass()
{
    WranglerObjectModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto state = WranglerState::open(m_state);
    QVERIFY(state.ok());
    model.setObjects(state->objects());
    QCOMPARE(model.rowCount(), 2);
    const QModelIndex myAgent = model.index(0, 0);
    QCOMPARE(model.data(myAgent).toString(), QStringLiteral("MyAgent (1)"));
    QVERIFY(!model.object(myAgent));
    QCOMPARE(model.rowCount(myAgent), 1);
    const QModelIndex anna = model.index(0, 0, myAgent);
    QCOMPARE(model.object(anna)->id, WranglerTest::s_annaId);
    QCOMPARE(model.data(anna, WranglerObjectModel::ClassNameRole).toString(),
             QStringLiteral("MyAgent"));
    QCOMPARE(model.data(model.index(0, WranglerObjectModel::ScriptColumn, myAgent)).toString(),
             QStringLiteral("my-worker-app"));
    QCOMPARE(model.find(QStringLiteral("Other"), QStringLiteral("bb")),
             model.index(0, 0, model.index(1, 0)));
    QVERIFY(!model.find(QStringLiteral("Other"), QStringLiteral("aa")).isValid());
    model.setObjects({});
    QCOMPARE(model.rowCount(), 0);
}

void TestWranglerWindow::entryModelShowsDecodedValues()
{
    WranglerEntryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    WranglerEntry ok {QStringLiteral("greeting"),
                      QByteArray::fromHex("ff0f220568656c6c6f"),
                      QStringLiteral("hello"),
                      {}};
    WranglerEntry broken {QStringLiteral("broken"), QByteArray::fromHex("ff0f21"),
                          QJsonObject {{QStringLiteral("$undecoded"), QStringLiteral("21")}},
                          QStringLiteral("unknown tag 0x21 (offset 2)")};
    model.setEntries({ok, broken});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.data(model.index(0, WranglerEntryModel::ValueColumn)).toString(),
             QStringLiteral("\"hello\""));
    QCOMPARE(model.data(model.index(0, WranglerEntryModel::BytesColumn)).toInt(), 9);
    QVERIFY(!model.data(model.index(0, 0), Qt::ToolTipRole).isValid());
    QVERIFY(model.data(model.index(1, WranglerEntryModel::ValueColumn), Qt::ToolTipRole)
                .toString()
                .contains(QLatin1String("unknown tag 0x21")));
    model.setEntries({});
    QCOMPARE(model.rowCount(), 0);
}

void TestWranglerWindow::windowShowsAnObject()
{
    const DurableTest::DirectorySnapshot before = DurableTest::snapshotDirectory(m_state);
    WranglerStateWindow window(m_state);
    QAbstractItemModelTester objectsTester(window.objectModel(),
                                           QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester entriesTester(window.entryModel(),
                                           QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy listed(&window, &WranglerStateWindow::objectsListed);
    QSignalSpy shown(&window, &WranglerStateWindow::objectShown);
    QVERIFY(listed.isValid() && shown.isValid());
    QVERIFY(window.windowTitle().contains(QLatin1String("read-only")));
    window.show();
    QVERIFY(listed.wait());
    QCOMPARE(listed.first().first().toInt(), 2);
    // The first object shows without a click.
    QTRY_COMPARE(shown.size(), 1);
    QCOMPARE(shown.first().first().toString(), WranglerTest::s_annaId);
    QCOMPARE(window.entryModel()->rowCount(), 5);
    QVERIFY2(window.alarmText().contains(QLatin1String("2030-03-17T17:46:40.000")),
             qPrintable(window.alarmText()));
    QCOMPARE(window.tabs()->tabText(1), QStringLiteral("Tables (3)"));

    QSignalSpy finished(&window, &WranglerStateWindow::queryFinished);
    window.runQuery(QStringLiteral("SELECT name FROM candidates ORDER BY name"));
    QVERIFY(finished.wait());
    QVERIFY(finished.first().first().toBool());
    QCOMPARE(window.resultModel()->rowCount(), 2);
    QCOMPARE(window.resultModel()->data(window.resultModel()->index(1, 0)).toString(),
             QStringLiteral("Ben"));

    QVERIFY(window.selectObject(QStringLiteral("Other"), QStringLiteral("bbb")));
    QTRY_COMPARE(shown.size(), 2);
    QCOMPARE(shown.last().first().toString(), QString(64, QLatin1Char('b')));
    QVERIFY(window.alarmText().contains(QLatin1String("No alarm")));

    // DURABLE_WRANGLER_SCREENSHOT=FILE saves the window as the docs show it.
    const QString screenshot = qEnvironmentVariable("DURABLE_WRANGLER_SCREENSHOT");
    QVERIFY(!window.grab().isNull());
    if (!screenshot.isEmpty())
        QVERIFY(window.grab().save(screenshot));
    const DurableTest::DirectorySnapshot after = DurableTest::snapshotDirectory(m_state);
    QVERIFY2(after == before, qPrintable(DurableTest::describeChanges(before, after)));
}

void TestWranglerWindow::consoleRefusesWrites()
{
    const DurableTest::DirectorySnapshot before = DurableTest::snapshotDirectory(m_state);
    WranglerStateWindow window(m_state);
    QSignalSpy shown(&window, &WranglerStateWindow::objectShown);
    QVERIFY(shown.wait());
    QSignalSpy finished(&window, &WranglerStateWindow::queryFinished);
    window.runQuery(QStringLiteral("DELETE FROM candidates"));
    QVERIFY(finished.wait());
    QVERIFY(!finished.first().first().toBool());
    QVERIFY2(window.consoleMessage().contains(QLatin1String("read-only")),
             qPrintable(window.consoleMessage()));
    QCOMPARE(window.resultModel()->rowCount(), 0);
    const DurableTest::DirectorySnapshot after = DurableTest::snapshotDirectory(m_state);
    QVERIFY2(after == before, qPrintable(DurableTest::describeChanges(before, after)));
}

void TestWranglerWindow::missingFolderSaysSo()
{
    WranglerStateWindow window(m_dir->filePath(QStringLiteral("nope")));
    QSignalSpy failed(&window, &WranglerStateWindow::errorOccurred);
    QVERIFY(failed.wait());
    QVERIFY(
        failed.first().first().value<Error>().message().contains(QLatin1String("does not exist")));
}

QTEST_MAIN(TestWranglerWindow)
#include "tst_wranglerwindow.moc"
