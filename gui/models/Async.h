#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QPromise>
#include <QThreadPool>
#include <functional>
#include <memory>

namespace ar::gui {

// Runs `work` on the global pool and hands its result to `done` on `context`'s thread, unless
// `context` is gone by then (the watcher dies with it). How the GUI queries the ledger. The
// returned future lets an owner that is going away wait for `work` to stop touching what it uses.
template <typename T>
QFuture<T> runAsync(QObject* context, std::function<T()> work, std::function<void(T)> done) {
    auto promise = std::make_shared<QPromise<T>>();
    auto* watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context, [watcher, done] {
        if (watcher->future().resultCount() > 0) done(watcher->future().result());
        watcher->deleteLater();
    });
    watcher->setFuture(promise->future());
    QThreadPool::globalInstance()->start([promise, work] {
        promise->start();
        promise->addResult(work());
        promise->finish();
    });
    return promise->future();
}

}  // namespace ar::gui
