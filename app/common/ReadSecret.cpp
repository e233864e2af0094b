#include "ReadSecret.h"

#include <termios.h>
#include <unistd.h>

#include <QFile>
#include <cstdio>

namespace ar::app {

QByteArray readSecret(const QString& prompt) {
    const bool tty = ::isatty(STDIN_FILENO);
    termios saved{};
    if (tty) {
        std::fputs(qPrintable(prompt), stderr);
        ::tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    QFile in;
    (void)in.open(stdin, QIODevice::ReadOnly);
    const QByteArray secret = (tty ? in.readLine() : in.readAll()).trimmed();
    if (tty) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::fputs("\n", stderr);
    }
    return secret;
}

}  // namespace ar::app
