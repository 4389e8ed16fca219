// SPDX-License-Identifier: MIT
#include "objectbrowser.h"

#include "classlistmodel.h"
#include "objectlistmodel.h"
#include "statusdelegate.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace Durable::Ui {

ObjectBrowser::ObjectBrowser(Inspector *inspector, Clock *clock, QWidget *parent)
    : QWidget(parent), m_classes(new ClassListModel(inspector, this)),
      m_objects(new ObjectListModel(inspector, clock, this)),
      m_splitter(new QSplitter(Qt::Horizontal, this)), m_classView(new QListView(m_splitter)),
      m_table(new QTableView), m_filter(new QLineEdit), m_status(new QComboBox),
      m_count(new QLabel), m_filterDelay(new QTimer(this))
{
    m_classView->setModel(m_classes);
    m_classView->setUniformItemSizes(true);
    m_classView->setMinimumWidth(140);
    setUpTable();

    auto *right = new QWidget(m_splitter);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addLayout(createFilterRow());
    rightLayout->addWidget(m_table, 1);

    m_splitter->addWidget(m_classView);
    m_splitter->addWidget(right);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({150, 700});
    m_splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_splitter);

    connectWidgets();
    updateCountLabel();
}

QHBoxLayout *ObjectBrowser::createFilterRow()
{
    auto *filterRow = new QHBoxLayout;
    m_filter->setPlaceholderText(tr("Filter by name or id…"));
    m_filter->setClearButtonEnabled(true);
    m_status->addItem(tr("Any status"));
    for (ObjectStatus status : {ObjectStatus::Active, ObjectStatus::Idle, ObjectStatus::Hibernated,
                                ObjectStatus::Failed, ObjectStatus::Quarantined})
        m_status->addItem(objectStatusName(status), int(status));
    m_count->setMinimumWidth(110);
    m_count->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    filterRow->addWidget(m_filter, 1);
    filterRow->addWidget(m_status);
    filterRow->addWidget(m_count);
    return filterRow;
}

void ObjectBrowser::setUpTable()
{
    m_table->setModel(m_objects);
    m_table->setSortingEnabled(false); // enabled below without sorting right away
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSortIndicatorShown(true);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_table->setItemDelegateForColumn(ObjectListModel::StatusColumn,
                                      new StatusDelegate(ObjectListModel::StatusRole, 0, m_table));
    m_table->setItemDelegateForColumn(ObjectListModel::NextAlarmColumn,
                                      new StatusDelegate(0, ObjectListModel::OverdueRole, m_table));
    const QFontMetrics metrics = m_table->fontMetrics();
    auto widthOf = [&metrics](const QString &sample) {
        return metrics.horizontalAdvance(sample) + 24;
    };
    m_table->setColumnWidth(ObjectListModel::NameColumn,
                            widthOf(QStringLiteral("weekly-review-xx")));
    m_table->setColumnWidth(ObjectListModel::ClassColumn, widthOf(QStringLiteral("Recruitment")));
    m_table->setColumnWidth(ObjectListModel::StatusColumn,
                            widthOf(QStringLiteral("hibernated")) + 12);
    m_table->setColumnWidth(ObjectListModel::StepColumn,
                            widthOf(QStringLiteral("awaiting-recruiter")));
    m_table->setColumnWidth(ObjectListModel::NextAlarmColumn,
                            widthOf(QStringLiteral("in 23 h 59 min")));
    m_table->setColumnWidth(ObjectListModel::PendingColumn, widthOf(QStringLiteral("Asks")));
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
}

void ObjectBrowser::connectWidgets()
{
    // One query per pause in typing, not per keystroke.
    m_filterDelay->setSingleShot(true);
    m_filterDelay->setInterval(150);
    connect(m_filter, &QLineEdit::textChanged, m_filterDelay, qOverload<>(&QTimer::start));
    connect(m_filterDelay, &QTimer::timeout, this, &ObjectBrowser::applyTextFilter);
    connect(m_status, &QComboBox::currentIndexChanged, this, &ObjectBrowser::applyStatusFilter);
    connect(m_classView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &ObjectBrowser::classSelected);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                emit currentObjectChanged(m_objects->summary(current.row()));
            });
    connect(m_table, &QTableView::activated, this,
            [this](const QModelIndex &index) { emit activated(m_objects->summary(index.row())); });
    connect(m_objects, &QAbstractItemModel::rowsInserted, this, &ObjectBrowser::updateCountLabel);
    connect(m_objects, &QAbstractItemModel::modelReset, this, &ObjectBrowser::updateCountLabel);
    connect(m_objects, &ObjectListModel::loadingChanged, this, &ObjectBrowser::updateCountLabel);
}

ObjectSummary ObjectBrowser::currentObject() const
{
    return m_objects->summary(m_table->currentIndex().row());
}

bool ObjectBrowser::selectObject(const ObjectId &id)
{
    const int row = m_objects->rowOf(id);
    if (row < 0)
        return false;
    m_table->setCurrentIndex(m_objects->index(row, 0));
    m_table->scrollTo(m_objects->index(row, 0));
    return true;
}

void ObjectBrowser::refresh()
{
    m_classes->refresh();
    m_objects->reload();
}

void ObjectBrowser::focusFilter()
{
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

void ObjectBrowser::applyTextFilter()
{
    m_objects->setTextFilter(m_filter->text().trimmed());
}

void ObjectBrowser::applyStatusFilter()
{
    const QVariant status = m_status->currentData();
    m_objects->setStatusFilter(status.isValid() ? QList<ObjectStatus> {ObjectStatus(status.toInt())}
                                                : QList<ObjectStatus> {});
}

void ObjectBrowser::classSelected()
{
    m_objects->setClassFilter(
        m_classView->currentIndex().data(ClassListModel::NameRole).toString());
}

void ObjectBrowser::updateCountLabel()
{
    const int rows = m_objects->rowCount();
    if (m_objects->isComplete())
        m_count->setText(tr("%n object(s)", nullptr, rows));
    else
        m_count->setText(tr("%1+ objects").arg(rows));
}

} // namespace Durable::Ui
