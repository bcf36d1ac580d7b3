from runtime.executor.main import main

main()
