#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>

#include "core/Result.h"
#include "usage/UsageQueries.h"

namespace ar {

// What a usage query answers: a body and its content type (JSON, or CSV for exports).
struct UsageAnswer {
    QByteArray contentType;
    QByteArray body;
};

// /admin/v1/usage[/totals|/top|/requests|/export]: the ledger's read side for the CLI and
// scripts, with the same UsageQueries service the GUI uses. Pure: parses the query, asks
// `queries`, shapes the answer; the caller runs it off the proxy's event loop.
//   usage          ?from&to&granularity=hour|day&group_by=none|model|provider|key
//   usage/totals   ?from&to&key_id
//   usage/top      ?from&to&group_by=model|provider|key&n
//   usage/requests ?limit&before_id
//   usage/export   ?from&to&format=csv|json
// `from`/`to` take ISO 8601 times or a duration back from `now` ("30m", "24h", "7d").
Result<UsageAnswer> answerUsage(UsageQueries& queries, QByteArrayView subPath, QByteArrayView query,
                                const QDateTime& now);

// One bucket as the admin API and `tare usage --json` show it.
QJsonObject usageBucketJson(const UsageBucket& bucket);

}  // namespace ar
