// activ: the command-line face of the catalogue. main builds the CLI11 app, runs the
// chosen subcommand (its callback runs inside parse) and turns every failure into one
// "activ: ..." line on stderr with exit status 2.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cmd_plot.hpp"
#include "cmd_verify.hpp"
#include "common.hpp"

namespace {

// One line, whatever the message holds (CLI11 texts, a spec with a newline in it).
void report(const std::string& message) {
  std::string line = message;
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  std::fprintf(stderr, "activ: %s\n", line.c_str());
}

// CLI11 reads "-inf", "-nan" or "-.5" as short options (-i nf, ...). A leading space
// makes such a negative number an ordinary positional argument; the number parser
// skips it. Plain "-1" already works, but protecting it too keeps the rule simple.
bool is_negative_number(const std::string& arg) {
  if (arg.size() < 2 || arg[0] != '-') return false;
  char* end = nullptr;
  std::strtod(arg.c_str(), &end);
  return *end == '\0';
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "activ: activation functions of neural networks, correctly rounded, with each framework's "
      "definition selectable by name",
      "activ"};
  app.set_version_flag("--version", activ::kVersion);
  app.require_subcommand(1);
  activ::cli::add_list_command(app);
  activ::cli::add_info_command(app);
  activ::cli::add_eval_command(app);
  activ::cli::add_grad_command(app);
  activ::cli::add_plot_command(app);
  activ::cli::add_report_command(app);
  activ::cli::add_verify_command(app);
  activ::cli::add_train_command(app);
  activ::cli::add_compare_command(app);
  activ::cli::add_evaluate_command(app);

  // CLI11 would report an unknown command as a missing one; name it instead.
  std::vector<std::string> commands;
  for (const CLI::App* cmd : app.get_subcommands({})) commands.push_back(cmd->get_name());
  const std::string known = " (commands: " + activ::cli::join(commands, ", ") + "; activ --help shows usage)";
  if (argc == 1) {
    report("expected a command" + known);
    return 2;
  }
  if (argv[1][0] != '-' && std::find(commands.begin(), commands.end(), argv[1]) == commands.end()) {
    report(std::string("unknown command '") + argv[1] + "'" + known);
    return 2;
  }

  std::vector<std::string> args;  // CLI11 wants them last first
  for (int i = argc - 1; i > 0; --i) args.push_back(is_negative_number(argv[i]) ? std::string(" ") + argv[i] : argv[i]);
  try {
    app.parse(std::move(args));
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const activ::cli::BarMissed&) {  // verify printed its report
    return 1;
  } catch (const CLI::ParseError& e) {
    report(e.what());
    return 2;
  } catch (const std::exception& e) {  // InputError, NpyError, std::invalid_argument from parse, ...
    report(e.what());
    return 2;
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    report("cannot write to standard output");
    return 2;
  }
  return 0;
}
