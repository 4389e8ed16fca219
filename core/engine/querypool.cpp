// SPDX-License-Identifier: MIT
#include "querypool.h"

#include <QThread>
#include <QThreadPool>

#include <algorithm>

namespace Durable {

QThreadPool *queryPool()
{
    static QThreadPool *pool = [] {
        auto *p = new QThreadPool; // leaked on purpose: queries may still run at exit
        p->setObjectName(QStringLiteral("durable-queries"));
        p->setMaxThreadCount(std::max(4, QThread::idealThreadCount()));
        return p;
    }();
    return pool;
}

} // namespace Durable
