// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/branchcomparison.h>
#include <durable/core/inspectiontypes.h>

#include <QDialog>
#include <QList>

#include <array>

class QComboBox;
class QFormLayout;
class QLabel;
class QTableView;
class QTableWidget;

namespace Durable {
class Inspector;
}

namespace Durable::Ui {

class BranchComparisonModel;

// Branch compare: two objects of one class (an original and its fork, or two forks) side by
// side, their turns aligned on the shared timeline (BranchComparison), the first turn where they
// differ highlighted and scrolled to, and how their states differ now. Either side can be
// switched to any object of the class. Reads through the Inspector without blocking; GUI thread.
//
// Each side may read from its own engine (a sandbox's copy against the original, in another
// data directory): side A through a, side B through b, each listing its own engine's objects.
class CompareDialog : public QDialog
{
    Q_OBJECT
public:
    explicit CompareDialog(Inspector *inspector, QWidget *parent = nullptr);
    CompareDialog(Inspector *a, Inspector *b, QWidget *parent = nullptr);

    // Lists the objects of a's class and compares a with b.
    void compare(const ObjectSummary &a, const ObjectSummary &b);
    // What each side is, beside its picker: "the original", "this sandbox".
    void setSideNames(const QString &a, const QString &b);

    BranchComparisonModel *model() const { return m_model; }
    QTableWidget *stateDiff() const { return m_stateDiff; }
    QString summaryText() const;

signals:
    void compared();
    void failed(const QString &message);

private:
    void listObjects(const QString &className);
    void reload();
    void load(int side, const ObjectSummary &summary, quint64 generation);
    void showComparison();
    void showError(const QString &message);

    std::array<Inspector *, 2> m_inspectors;
    QFormLayout *m_picks;
    QComboBox *m_pickA;
    QComboBox *m_pickB;
    QLabel *m_summary;
    QTableView *m_table;
    BranchComparisonModel *m_model;
    QTableWidget *m_stateDiff;
    std::array<QList<ObjectSummary>, 2> m_objects; // what each side's picker lists
    std::array<BranchComparison::Branch, 2> m_branches;
    std::array<bool, 2> m_loaded {false, false};
    quint64 m_generation = 0;
};

} // namespace Durable::Ui
