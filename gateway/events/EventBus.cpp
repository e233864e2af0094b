#include "events/EventBus.h"

namespace ar {

EventBus::EventBus(QObject* parent) : QObject(parent) {
    qRegisterMetaType<ar::RequestEvent>();
}

}  // namespace ar
