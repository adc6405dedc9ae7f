from briefgen.commands.start import main

main()
