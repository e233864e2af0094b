// tare: the Agent Router admin API from the terminal. Signs in with the OAuth device grant, then
// manages keys and reads usage, providers and models over HTTP. Links the gateway library only
// for the keychain and the key-policy flags; never the GUI.
#include <QCoreApplication>

#include "Cli.h"
#include "KeyCommands.h"
#include "LoginCommands.h"
#include "ReportCommands.h"

namespace {

const char kMainUsage[] =
    "Usage: tare <command> [options]\n"
    "\n"
    "Commands:\n"
    "  api login [--issuer URL]   Sign in (OAuth device flow); the token goes to the keychain\n"
    "  api whoami                 Who the saved sign-in is, for which gateway, until when\n"
    "  api logout                 Revoke and forget the saved sign-in\n"
    "  api keys create --name N [--models ...] [--budget USD --period day|week|month|total]\n"
    "           [--rpm N] [--tpm N] [--expires TIME]\n"
    "                             Mint a gateway key, printed exactly once\n"
    "  api keys list | show ID | revoke ID | rotate ID\n"
    "  usage [--since WHEN] [--by model|key|provider] [--csv|--json]\n"
    "  providers list             Providers and where their credentials come from\n"
    "  models                     Models the gateway serves and their targets\n"
    "  --version                  Print the version\n"
    "\n"
    "The gateway: --url URL (or --issuer URL), else the current sign-in, else the local gateway\n"
    "from the agentrouter config (http://127.0.0.1:8787). Every command takes --help; most take\n"
    "--json. Exit codes: 0 ok, 1 failure, 2 wrong usage. NO_COLOR turns colour off.\n";

const char kApiUsage[] =
    "Usage: tare api <command>\n"
    "\n"
    "Commands:\n"
    "  login [--issuer URL] [--client-id ID] [--scope SCOPES]\n"
    "  whoami\n"
    "  logout\n"
    "  keys create | list | show ID | revoke ID | rotate ID   (tare api keys --help)\n";

bool isHelp(const QString& arg) {
    return arg == QLatin1String("--help") || arg == QLatin1String("-h") ||
           arg == QLatin1String("help");
}

int runApi(QStringList args) {
    using namespace ar::tare;
    const QString sub = args.isEmpty() ? QString() : args.takeFirst();
    if (isHelp(sub)) return out(QString::fromLatin1(kApiUsage)), kOk;
    if (sub == QLatin1String("login")) return runLogin(args);
    if (sub == QLatin1String("whoami")) return runWhoami(args);
    if (sub == QLatin1String("logout")) return runLogout(args);
    if (sub == QLatin1String("keys")) return runKeys(args);
    err(sub.isEmpty() ? QStringLiteral("tare api: missing command")
                      : QStringLiteral("tare api: unknown command '%1'").arg(sub));
    err(QString::fromLatin1(kApiUsage));
    return kUsage;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace ar::tare;
    QCoreApplication app(argc, argv);
    // The same names as agentrouter, so the default config path is the gateway's.
    QCoreApplication::setOrganizationName(QStringLiteral("agentrouter"));
    QCoreApplication::setApplicationName(QStringLiteral("agentrouter"));
    QCoreApplication::setApplicationVersion(QStringLiteral(AR_VERSION));

    QStringList args = app.arguments().mid(1);
    const QString command = args.isEmpty() ? QString() : args.takeFirst();
    if (command == QLatin1String("--version") || command == QLatin1String("version")) {
        out(QStringLiteral("tare %1\n").arg(QStringLiteral(AR_VERSION)));
        return kOk;
    }
    if (isHelp(command)) return out(QString::fromLatin1(kMainUsage)), kOk;
    if (command == QLatin1String("api")) return runApi(args);
    if (command == QLatin1String("usage")) return runUsage(args);
    if (command == QLatin1String("providers")) return runProviders(args);
    if (command == QLatin1String("models")) return runModels(args);
    err(command.isEmpty() ? QStringLiteral("tare: missing command")
                          : QStringLiteral("tare: unknown command '%1'").arg(command));
    err(QString::fromLatin1(kMainUsage));
    return kUsage;
}
