// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QStringList>
#include <QVariantList>

namespace Durable {

class ObjectDatabase;

// A copy of the user's SQL tables of an object's database: their schema (tables, indexes,
// views, triggers) and every row, with SQLite's own types (integer, real, text, blob, null).
// Fork uses it: the journal records which rows a turn wrote, not their contents, so a fork
// gets the origin's tables as they are when it is made.
//
// A value, any thread; read() and write() run on the strand of the object whose database they
// touch, inside a turn, and throw Durable::Error.
class UserTables
{
public:
    static UserTables read(ObjectDatabase &db);
    // Into a database that has none of these tables yet: tables, then rows, then indexes,
    // views and triggers (so no trigger fires for copied rows).
    void write(ObjectDatabase &db) const;

    bool isEmpty() const { return m_tables.isEmpty(); }
    QStringList tableNames() const;

private:
    struct Table
    {
        QByteArray name;
        QByteArray create;
        QList<QVariantList> rows;
    };
    QList<Table> m_tables;
    QList<QByteArray> m_others; // CREATE INDEX / VIEW / TRIGGER, in creation order
};

} // namespace Durable
