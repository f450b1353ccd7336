from canhgac.core.ui.menus import MenuItem

MENU: list[MenuItem] = []
