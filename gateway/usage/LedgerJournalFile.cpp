#include "usage/LedgerJournalFile.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <QFile>
#include <atomic>
#include <cstring>

namespace ar {

LedgerJournalFile::~LedgerJournalFile() { close(); }

QByteArray LedgerJournalFile::readLines(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    QByteArray lines = file.readAll();
    const qsizetype end = lines.indexOf('\0');
    if (end >= 0) lines.truncate(end);
    return lines;
}

Status LedgerJournalFile::open(const QString& path) {
    close();
    m_path = path;
    m_fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    // Emptied, then preallocated: zeros throughout, and blocks reserved, so a store into the
    // mapping never meets a full disk (which would be a SIGBUS, not an error).
    if (m_fd < 0 || ::ftruncate(m_fd, 0) != 0 || ::posix_fallocate(m_fd, 0, kInitialBytes) != 0 ||
        !map(kInitialBytes)) {
        close();
        return ApiError::internal(QStringLiteral("Usage ledger: cannot prepare %1").arg(path));
    }
    m_used = 0;
    return Ok{};
}

bool LedgerJournalFile::map(qint64 bytes) {
    if (m_map) ::munmap(m_map, size_t(m_mapped));
    m_map = nullptr;
    m_mapped = 0;
    void* at = ::mmap(nullptr, size_t(bytes), PROT_READ | PROT_WRITE, MAP_SHARED, m_fd, 0);
    if (at == MAP_FAILED) return false;
    m_map = static_cast<char*>(at);
    m_mapped = bytes;
    return true;
}

bool LedgerJournalFile::grow(qint64 atLeast) {
    qint64 bytes = m_mapped;
    while (bytes < atLeast) bytes *= 2;
    // Lines already stored stay in the file (the page cache); only the mapping moves.
    const qint64 before = m_mapped;
    if (::posix_fallocate(m_fd, 0, bytes) != 0) return false;
#if defined(__linux__)
    // Moved with the pages already mapped: no fault again on the lines written so far.
    if (void* at = ::mremap(m_map, size_t(m_mapped), size_t(bytes), MREMAP_MAYMOVE);
        at != MAP_FAILED) {
        m_map = static_cast<char*>(at);
        m_mapped = bytes;
        return true;
    }
#endif
    if (map(bytes)) return true;
    map(before);  // address space short: keep the old mapping, this line is not journaled
    return false;
}

bool LedgerJournalFile::append(const char* head, qsizetype headSize, const char* body,
                               qsizetype bodySize) {
    if (!m_map || headSize < 1) return false;
    const qint64 size = headSize + bodySize;
    if (m_used + size + 1 > m_mapped && !grow(m_used + size + 1)) return false;
    char* d = m_map + m_used;  // d[0] is the NUL that ends the journal
    std::memcpy(d + 1, head + 1, size_t(headSize - 1));
    std::memcpy(d + headSize, body, size_t(bodySize));
    d[size] = '\0';  // the new end, before the line becomes readable: what follows may be stale
    std::atomic_ref<char>(d[0]).store(head[0], std::memory_order_release);
    m_used += size;
    return true;
}

void LedgerJournalFile::reset() {
    if (!m_map) return;
    std::atomic_ref<char>(m_map[0]).store('\0', std::memory_order_release);
    m_used = 0;
    if (m_mapped > kInitialBytes) {
        // Grown under a long burst: give the space back. The stale lines past the NUL go too.
        if (!map(kInitialBytes) || ::ftruncate(m_fd, kInitialBytes) != 0) close();
    }
}

void LedgerJournalFile::close() {
    if (m_map) ::munmap(m_map, size_t(m_mapped));
    m_map = nullptr;
    m_mapped = 0;
    m_used = 0;
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
}

}  // namespace ar
