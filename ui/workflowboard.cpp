// SPDX-License-Identifier: MIT
#include "workflowboard.h"

#include "futures.h"
#include "statusdelegate.h"
#include "workflowboardmodel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>
#include <durable/core/inspector.h>

namespace Durable::Ui {

WorkflowBoard::WorkflowBoard(Engine *engine, Inspector *inspector, Clock *clock, QWidget *parent)
    : QWidget(parent), m_inspector(inspector),
      m_model(new WorkflowBoardModel(engine, inspector, clock, this)), m_classCombo(new QComboBox),
      m_summary(new QLabel), m_view(new QTableView)
{
    m_classCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_classCombo->setToolTip(tr("Classes that declare workflow steps"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_view->setModel(m_model);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_view->setItemDelegate(new StatusDelegate(WorkflowBoardModel::StatusRole, 0, m_view));
    m_view->horizontalHeader()->setHighlightSections(false);
    m_view->setToolTip(tr("Click an object to inspect it"));

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Class:")));
    top->addWidget(m_classCombo);
    top->addWidget(m_summary, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);

    connect(m_classCombo, &QComboBox::currentIndexChanged, this, &WorkflowBoard::classChosen);
    connect(m_view, &QAbstractItemView::clicked, this, &WorkflowBoard::activate);
    connect(m_view, &QAbstractItemView::activated, this, &WorkflowBoard::activate);
    connect(m_model, &WorkflowBoardModel::loaded, this, &WorkflowBoard::updateSummary);
    connect(m_model, &QAbstractItemModel::modelReset, this, &WorkflowBoard::fitColumns);
    connect(m_model, &WorkflowBoardModel::errorOccurred, this, &WorkflowBoard::errorOccurred);
    m_model->setLive(false); // until shown
    updateSummary();
    refresh();
}

bool WorkflowBoard::selectClass(const QString &className)
{
    m_wanted = className;
    for (int i = 0; i < m_classes.size(); ++i) {
        if (m_classes.at(i).name == className) {
            m_classCombo->setCurrentIndex(i);
            return true;
        }
    }
    return false;
}

void WorkflowBoard::refresh()
{
    if (!m_inspector)
        return;
    const RefreshTracker::Ticket ticket = m_reads.next();
    whenReady(
        m_inspector->classes(), this,
        [this, ticket](const QList<ClassSummary> &classes) {
            if (m_reads.isCurrent(ticket))
                showClasses(classes);
        },
        [this, ticket](const Durable::Error &error) {
            if (m_reads.isCurrent(ticket))
                emit errorOccurred(error);
        });
    m_model->refresh();
}

void WorkflowBoard::showClasses(const QList<ClassSummary> &classes)
{
    const QString current = m_wanted.isEmpty() ? m_model->className() : m_wanted;
    QList<ClassSummary> withSteps;
    for (const ClassSummary &summary : classes)
        if (!summary.steps.isEmpty())
            withSteps.append(summary);
    QStringList names;
    for (const ClassSummary &summary : std::as_const(withSteps))
        names.append(summary.name);
    QStringList shown;
    for (int i = 0; i < m_classCombo->count(); ++i)
        shown.append(m_classCombo->itemText(i));
    m_classes = withSteps;
    if (names != shown) {
        const QSignalBlocker blocker(m_classCombo);
        m_classCombo->clear();
        m_classCombo->addItems(names);
    }
    const qsizetype wanted = names.indexOf(current);
    const QSignalBlocker blocker(m_classCombo);
    m_classCombo->setCurrentIndex(wanted >= 0 ? int(wanted) : (names.isEmpty() ? -1 : 0));
    classChosen();
    emit classesLoaded();
}

void WorkflowBoard::classChosen()
{
    const int index = m_classCombo->currentIndex();
    if (index < 0 || index >= m_classes.size()) {
        m_model->setClass(QString(), {});
        updateSummary();
        return;
    }
    const ClassSummary &summary = m_classes.at(index);
    if (summary.name == m_wanted)
        m_wanted.clear();
    m_model->setClass(summary.name, summary.steps);
    updateSummary();
}

void WorkflowBoard::updateSummary()
{
    if (m_classes.isEmpty() && m_classCombo->count() == 0) {
        m_summary->setText(tr("No class declares workflow steps."));
        return;
    }
    if (m_model->className().isEmpty()) {
        m_summary->clear();
        return;
    }
    qint64 total = 0;
    for (const QString &step : m_model->steps())
        total += m_model->count(step);
    m_summary->setText(
        tr("%n object(s) across %1 steps", nullptr, int(std::min<qint64>(total, INT_MAX)))
            .arg(m_model->steps().size()));
}

void WorkflowBoard::fitColumns()
{
    // Columns share the width, but never so narrow that a step's name is cut.
    const QFontMetrics metrics = m_view->horizontalHeader()->fontMetrics();
    int widest = 100;
    for (const QString &step : m_model->steps())
        widest = std::max(widest, metrics.horizontalAdvance(step) + 24);
    m_view->horizontalHeader()->setMinimumSectionSize(widest);
}

void WorkflowBoard::activate(const QModelIndex &index)
{
    const QVariant id = index.data(WorkflowBoardModel::ObjectIdRole);
    if (id.isValid())
        emit objectActivated(index.data(WorkflowBoardModel::ClassNameRole).toString(),
                             id.value<ObjectId>());
}

void WorkflowBoard::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_model->setLive(true);
}

void WorkflowBoard::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_model->setLive(false);
}

} // namespace Durable::Ui
