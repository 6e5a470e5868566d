from empathic.cli.main import main

main()
