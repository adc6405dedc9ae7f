from briefgen.commands.cli import main

main()
