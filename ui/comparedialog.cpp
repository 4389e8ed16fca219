// SPDX-License-Identifier: MIT
#include "comparedialog.h"

#include "branchcomparisonmodel.h"
#include "format.h"
#include "futures.h"

#include <durable/core/inspector.h>
#include <durable/core/jsontext.h>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace Durable::Ui {

namespace {

// Every turn a comparison reads at most, per side.
constexpr int MaxTurns = 100000;

QString valueText(const QJsonValue &value)
{
    return value.isUndefined() ? QObject::tr("(none)") : JsonText::compact(value);
}

QString objectLabel(const ObjectSummary &summary)
{
    QString label = summary.displayName();
    if (!summary.forkOf.isEmpty())
        label += QObject::tr("  (fork at turn %1)").arg(summary.forkSeq);
    return label;
}

} // namespace

CompareDialog::CompareDialog(Inspector *inspector, QWidget *parent)
    : CompareDialog(inspector, inspector, parent)
{ }

CompareDialog::CompareDialog(Inspector *a, Inspector *b, QWidget *parent)
    : QDialog(parent), m_inspectors {a, b}, m_pickA(new QComboBox), m_pickB(new QComboBox),
      m_summary(new QLabel), m_table(new QTableView), m_model(new BranchComparisonModel(this)),
      m_stateDiff(new QTableWidget(0, 3))
{
    setWindowTitle(tr("Compare Branches"));
    auto *picks = new QFormLayout;
    picks->addRow(tr("A:"), m_pickA);
    picks->addRow(tr("B:"), m_pickB);
    m_picks = picks;
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(BranchComparisonModel::AColumn,
                                                      QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(BranchComparisonModel::BColumn,
                                                      QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(BranchComparisonModel::TurnColumn,
                                                      QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(BranchComparisonModel::SameColumn,
                                                      QHeaderView::ResizeToContents);

    m_stateDiff->setHorizontalHeaderLabels({tr("State now"), tr("A"), tr("B")});
    m_stateDiff->verticalHeader()->hide();
    m_stateDiff->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_stateDiff->horizontalHeader()->setStretchLastSection(true);
    m_stateDiff->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);

    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_table);
    split->addWidget(m_stateDiff);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(picks);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);
    layout->addWidget(buttons);
    resize(900, 560);

    for (QComboBox *pick : {m_pickA, m_pickB})
        connect(pick, &QComboBox::activated, this, &CompareDialog::reload);
}

void CompareDialog::setSideNames(const QString &a, const QString &b)
{
    qobject_cast<QLabel *>(m_picks->labelForField(m_pickA))->setText(tr("A (%1):").arg(a));
    qobject_cast<QLabel *>(m_picks->labelForField(m_pickB))->setText(tr("B (%1):").arg(b));
}

void CompareDialog::compare(const ObjectSummary &a, const ObjectSummary &b)
{
    // Until the lists arrive, each picker offers what it can: both objects when they are in one
    // engine, else its own side's.
    const bool together = m_inspectors[0] == m_inspectors[1];
    m_objects[0] = together && b.id != a.id ? QList {a, b} : QList {a};
    m_objects[1] = together && b.id != a.id ? QList {a, b} : QList {b};
    for (int side : {0, 1}) {
        QComboBox *pick = side == 0 ? m_pickA : m_pickB;
        pick->clear();
        for (const ObjectSummary &summary : m_objects[size_t(side)])
            pick->addItem(objectLabel(summary));
    }
    m_pickB->setCurrentIndex(m_pickB->count() - 1);
    reload();
    listObjects(a.className);
}

// Fills each picker with every object of the class in its side's engine, keeping the choices.
void CompareDialog::listObjects(const QString &className)
{
    ObjectQuery query;
    query.className = className;
    for (int side : {0, 1}) {
        whenReady(
            m_inspectors[size_t(side)]->objects(query), this,
            [this, side](const QList<ObjectSummary> &objects) {
                QComboBox *pick = side == 0 ? m_pickA : m_pickB;
                QList<ObjectSummary> &listed = m_objects[size_t(side)];
                const ObjectSummary chosen = listed.value(pick->currentIndex());
                listed = objects;
                pick->clear();
                int current = 0;
                for (int i = 0; i < listed.size(); ++i) {
                    pick->addItem(objectLabel(listed.at(i)));
                    if (listed.at(i).id == chosen.id)
                        current = i;
                }
                pick->setCurrentIndex(current);
            },
            [this](const Error &error) { showError(error.message()); });
    }
}

void CompareDialog::reload()
{
    const quint64 generation = ++m_generation;
    m_loaded = {false, false};
    m_summary->setText(tr("Reading both histories…"));
    load(0, m_objects[0].value(m_pickA->currentIndex()), generation);
    load(1, m_objects[1].value(m_pickB->currentIndex()), generation);
}

// Reads one side: its journal, then its state after its last turn (an agent's state included).
void CompareDialog::load(int side, const ObjectSummary &summary, quint64 generation)
{
    JournalQuery query;
    query.limit = MaxTurns;
    const auto failed = [this, generation](const Error &error) {
        if (generation == m_generation)
            showError(error.message());
    };
    Inspector *inspector = m_inspectors[size_t(side)];
    whenReady(
        inspector->journal(summary.className, summary.id, query), this,
        [this, inspector, side, summary, generation, failed](QList<JournalEntry> turns) {
            if (generation != m_generation)
                return;
            std::reverse(turns.begin(), turns.end()); // the inspector answers newest first
            m_branches[size_t(side)] = {summary, turns, {}};
            const auto done = [this, side, generation](const QList<KeyValue> &state) {
                if (generation != m_generation)
                    return;
                m_branches[size_t(side)].state = state;
                m_loaded[size_t(side)] = true;
                if (m_loaded[0] && m_loaded[1])
                    showComparison();
            };
            if (turns.isEmpty()) {
                done({});
                return;
            }
            whenReady(inspector->stateAt(summary.className, summary.id, turns.last().seq), this,
                      done, failed);
        },
        failed);
}

void CompareDialog::showComparison()
{
    const BranchComparison comparison = BranchComparison::build(m_branches[0], m_branches[1]);
    m_model->setComparison(comparison);
    m_summary->setText(summaryText());
    m_stateDiff->setRowCount(int(comparison.stateDiff.size()));
    for (int row = 0; row < comparison.stateDiff.size(); ++row) {
        const KeyChange &change = comparison.stateDiff.at(row);
        auto *key = new QTableWidgetItem(stateKeyLabel(change.key));
        key->setToolTip(change.key);
        m_stateDiff->setItem(row, 0, key);
        m_stateDiff->setItem(row, 1, new QTableWidgetItem(valueText(change.before)));
        m_stateDiff->setItem(row, 2, new QTableWidgetItem(valueText(change.after)));
    }
    if (const int first = m_model->firstDifferenceRow(); first >= 0) {
        m_table->scrollTo(m_model->index(first, 0), QAbstractItemView::PositionAtCenter);
        m_table->selectRow(first);
    }
    emit compared();
}

QString CompareDialog::summaryText() const
{
    const BranchComparison &comparison = m_model->comparison();
    QString relation;
    if (comparison.relation == QLatin1String("fork"))
        relation = tr("B is a fork of A made at turn #%1.").arg(comparison.sharedUntil);
    else if (comparison.relation == QLatin1String("origin"))
        relation = tr("A is a fork of B made at turn #%1.").arg(comparison.sharedUntil);
    else if (comparison.relation == QLatin1String("siblings"))
        relation = tr("A and B are forks of one object; their history is common up to turn #%1.")
                       .arg(comparison.sharedUntil);
    else
        relation = tr("A and B share no history; their turns are compared by number.");
    const QString first = comparison.firstDifference < 0
                              ? tr("No turn differs.")
                              : tr("First difference at turn #%1.").arg(comparison.firstDifference);
    const QString state = comparison.stateDiff.isEmpty() ? tr("Their states are the same.")
                          : comparison.stateDiff.size() == 1
                              ? tr("1 key differs now.")
                              : tr("%1 keys differ now.").arg(comparison.stateDiff.size());
    return QStringLiteral("%1 %2 %3").arg(relation, first, state);
}

void CompareDialog::showError(const QString &message)
{
    m_summary->setText(tr("Could not compare: %1").arg(message));
    emit failed(message);
}

} // namespace Durable::Ui
