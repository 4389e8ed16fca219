// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/inspectiontypes.h>

#include <QColor>
#include <QFont>
#include <QJsonValue>
#include <QString>

namespace Durable::Ui {

// Small presentation helpers shared by the studio's models and widgets. GUI thread only.

// "in 3 h 12 min", "in 42 s", "overdue 5 s"; empty when dueMs < 0.
QString countdownText(qint64 dueMs, qint64 nowMs);
// "12 s ago", "3 min ago", "2 d ago"; empty when atMs <= 0.
QString agoText(qint64 atMs, qint64 nowMs);
// "2030-01-01 09:00:00" (UTC) or "" for negative times.
QString timeText(qint64 ms);
// One line of compact JSON, elided past maxChars.
QString jsonPreview(const QJsonValue &value, int maxChars = 120);
// Indented JSON for read-only text views.
QString jsonPretty(const QJsonValue &value);
// Bytes of the compact JSON encoding (what storage holds).
qsizetype jsonSize(const QJsonValue &value);
// "512 B", "4.2 KiB", "1.3 MiB".
QString sizeText(qint64 bytes);
// The colour a status is drawn in.
QColor statusColor(ObjectStatus status);
// A fixed-pitch font for ids, keys and JSON.
QFont monospaceFont();
// An agent's state, step, schedules, human requests, model calls and calls to other objects are
// journaled under the engine's reserved keys: what they are, for people ("agent state"); any
// other key as it is.
QString stateKeyLabel(const QString &key);

} // namespace Durable::Ui
