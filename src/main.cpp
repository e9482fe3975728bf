#include "cli.hpp"

int main(int argc, char** argv) { return alimi::run_cli(argc, argv); }
